export * from './kafka.config';
export * from './event-producer';
export * from './batch-consumer';
export * from './dead-letter';
export * from './consumer-metrics';
export * from './consumer-failure';
export * from './partition-reconciler';
export * from './kafka-tracing';
