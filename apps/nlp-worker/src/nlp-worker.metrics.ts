import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface NlpMetrics {
  readonly backendInfo: Gauge<'backend'>;
  readonly scoringSeconds: Histogram<'source'>;
  readonly texts: Counter<'source' | 'outcome'>;
}

export function nlpMetrics(registry: Registry): NlpMetrics {
  return {
    backendInfo: new Gauge({
      name: 'offerstream_nlp_backend_info',
      help: 'TensorFlow.js backend the scoring workers run on (value is always 1)',
      labelNames: ['backend'],
      registers: [registry],
    }),
    scoringSeconds: new Histogram({
      name: 'offerstream_nlp_scoring_seconds',
      help: 'Time to score one chunk of texts on the worker pool, submit to result',
      labelNames: ['source'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    texts: new Counter({
      name: 'offerstream_nlp_texts_total',
      help: 'Texts handled by the NLP worker, by source and outcome (scored, flagged, dead_lettered)',
      labelNames: ['source', 'outcome'],
      registers: [registry],
    }),
  };
}
