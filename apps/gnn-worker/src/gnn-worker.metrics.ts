import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface GnnMetrics {
  readonly modelVersion: Gauge;
  readonly modelPublishedAt: Gauge;
  readonly modelLoaded: Gauge;
  readonly trainingSeconds: Gauge;
  readonly trainings: Counter<'outcome'>;
  readonly publishSeconds: Gauge;
  readonly graphUsers: Gauge;
  readonly graphEdges: Gauge;
  readonly interactions: Counter<'result'>;
  readonly candidateSeconds: Histogram<'outcome'>;
}

export function gnnMetrics(registry: Registry): GnnMetrics {
  const publishedAt = new Gauge({
    name: 'offerstream_gnn_model_published_timestamp_seconds',
    help: 'When the active model version was published (0 before the first)',
    registers: [registry],
  });
  new Gauge({
    name: 'offerstream_gnn_model_age_seconds',
    help: 'Seconds since the active model version was published (absent before the first)',
    registers: [registry],
    async collect() {
      const at = (await publishedAt.get()).values[0]?.value ?? 0;
      if (at > 0) this.set(Date.now() / 1000 - at);
      else this.reset();
    },
  });
  return {
    modelVersion: new Gauge({
      name: 'offerstream_gnn_model_version',
      help: 'Sequence number of the active model version (v<N> in Redis), 0 before the first',
      registers: [registry],
    }),
    modelPublishedAt: publishedAt,
    modelLoaded: new Gauge({
      name: 'offerstream_gnn_model_loaded',
      help: '1 when this instance holds the active version in memory and can serve candidates',
      registers: [registry],
    }),
    trainingSeconds: new Gauge({
      name: 'offerstream_gnn_training_seconds',
      help: 'Wall time of the training run behind the active model version (worker thread, excluding publish)',
      registers: [registry],
    }),
    trainings: new Counter({
      name: 'offerstream_gnn_trainings_total',
      help: 'Training runs of this instance by outcome (published, failed)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    publishSeconds: new Gauge({
      name: 'offerstream_gnn_publish_seconds',
      help: 'Time this instance last took to write a version to Redis and switch to it',
      registers: [registry],
    }),
    graphUsers: new Gauge({
      name: 'offerstream_gnn_graph_users',
      help: 'Users in the in-memory graph',
      registers: [registry],
    }),
    graphEdges: new Gauge({
      name: 'offerstream_gnn_graph_edges',
      help: 'User-item edges in the in-memory graph',
      registers: [registry],
    }),
    interactions: new Counter({
      name: 'offerstream_gnn_interactions_total',
      help: 'Interactions consumed, by result (logged, duplicate = replayed offset already in the log)',
      labelNames: ['result'],
      registers: [registry],
    }),
    candidateSeconds: new Histogram({
      name: 'offerstream_gnn_candidates_seconds',
      help: 'Time to answer one candidates request',
      labelNames: ['outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
  };
}
