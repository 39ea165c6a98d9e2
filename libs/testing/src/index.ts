export * from './test-env';
export * from './service-process';
export * from './kcat';
export * from './clickstream-generator';
export * from './redis-cluster';
export * from './free-port';
export * from './service-harness';
export * from './test-auth';
