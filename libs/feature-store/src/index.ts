export * from './event-counter.store';
