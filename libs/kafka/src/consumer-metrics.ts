import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Consumer metrics, shared by every batch consumer of a process (labels tell them apart). */
export interface ConsumerMetrics {
  events: Counter<'topic' | 'group' | 'result'>;
  batchSeconds: Histogram<'topic' | 'group'>;
  lag: Gauge<'topic' | 'group' | 'partition'>;
  retries: Counter<'topic' | 'group' | 'code'>;
  crashes: Counter<'topic' | 'group' | 'restart'>;
  refused: Gauge<'topic' | 'group' | 'partition' | 'reason'>;
  reconcileSeeks: Counter<'topic' | 'group' | 'reason'>;
  reconcileLost: Counter<'topic' | 'group'>;
}

const cache = new WeakMap<Registry, ConsumerMetrics>();

export function consumerMetrics(registry: Registry): ConsumerMetrics {
  const existing = cache.get(registry);
  if (existing) return existing;
  const m: ConsumerMetrics = {
    events: new Counter({
      name: 'offerstream_consumer_events_total',
      help: 'Events consumed, by result (processed, dead_lettered)',
      labelNames: ['topic', 'group', 'result'],
      registers: [registry],
    }),
    batchSeconds: new Histogram({
      name: 'offerstream_consumer_batch_seconds',
      help: 'Time to process one batch, commit included',
      labelNames: ['topic', 'group'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    lag: new Gauge({
      name: 'offerstream_consumer_lag_messages',
      help: 'High watermark minus the last processed offset, per partition',
      labelNames: ['topic', 'group', 'partition'],
      registers: [registry],
    }),
    retries: new Counter({
      name: 'offerstream_consumer_retries_total',
      help: 'Batch retries after retriable errors',
      labelNames: ['topic', 'group', 'code'],
      registers: [registry],
    }),
    crashes: new Counter({
      name: 'offerstream_consumer_crashes_total',
      help: 'Consumer crashes (kafkajs leaves and rejoins the group), by whether it was restarted',
      labelNames: ['topic', 'group', 'restart'],
      registers: [registry],
    }),
    refused: new Gauge({
      name: 'offerstream_consumer_refused_partitions',
      help: 'Partitions not consumed because the state in Redis does not match the log (1 while refused), by reason',
      labelNames: ['topic', 'group', 'partition', 'reason'],
      registers: [registry],
    }),
    reconcileSeeks: new Counter({
      name: 'offerstream_consumer_reconcile_seeks_total',
      help: 'Seeks to the state watermark on assignment: state_behind (Redis rolled back, events replayed) or verify',
      labelNames: ['topic', 'group', 'reason'],
      registers: [registry],
    }),
    reconcileLost: new Counter({
      name: 'offerstream_consumer_reconcile_lost_total',
      help: 'Partitions whose state was behind the log start on assignment: events between were lost to retention',
      labelNames: ['topic', 'group'],
      registers: [registry],
    }),
  };
  cache.set(registry, m);
  return m;
}
