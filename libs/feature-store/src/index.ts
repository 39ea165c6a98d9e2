export * from './event-counter.store';
export * from './feature-store.config';
export * from './feature-store.reader';
export * from './codec/user-state.codec';
export * from './codec/float16';
export * from './rules/decay';
export * from './rules/vector-math';
export * from './rules/kmeans';
