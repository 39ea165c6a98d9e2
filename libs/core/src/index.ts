export * from './offerstream.error';
export * from './env-config';
export * from './ts-worker';
export * from './json-logger';
export * from './backoff';
export * from './seeded-random';
export * from './periodic-task';
export * from './float16';
