export * from './redis.config';
export * from './redis-keys';
export * from './lua-scripts';
export * from './partition-marks';
export * from './redis-persistence';
