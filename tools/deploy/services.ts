import { TOPICS } from '@offerstream/contracts';

/** One consumer group of a service: `CONSUMER_GROUP` plus an optional suffix, and the topic it reads. */
export interface ConsumerGroupSpec {
  readonly suffix: string;
  readonly topic: string;
  /** Lag per pod above which KEDA adds a pod. */
  readonly lagThreshold: number;
}

export interface ServiceSpec {
  readonly name: 'decision-service' | 'stream-processor' | 'nlp-worker' | 'gnn-worker';
  readonly port: number;
  readonly description: string;
  readonly groups: readonly ConsumerGroupSpec[];
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
  /** Pods in prod, floor and ceiling of the autoscaler (never above the partitions of what it reads). */
  readonly prodReplicas: { readonly min: number; readonly max: number };
  /** Settings beyond the common ones (values must be ones the service's config schema accepts). */
  readonly env: Readonly<Record<string, string>>;
  /** Whether pods of other services of the namespace call its HTTP API. */
  readonly calledBy: readonly ServiceSpec['name'][];
  /** Scaled on CPU as well as lag: it answers synchronous HTTP requests. */
  readonly cpuTarget?: number;
}

/**
 * Timeout of the decision service's call to the gnn-worker. The served top-100 p99 measured by
 * `npm run bench -- gnn` is 28.7 ms (apps/gnn-worker/RESULTS.md) and moves by about ±50 % with machine load;
 * 60 ms stays above that and a miss only costs the graph candidates of one decision (cached per user).
 */
export const GNN_TIMEOUT_MS = 60;

export const SERVICES: readonly ServiceSpec[] = [
  {
    name: 'decision-service',
    port: 3000,
    description: 'answers offer requests (HTTP and the offer-requests topic) within budget',
    groups: [
      { suffix: '.clickstream', topic: TOPICS.clickstream.name, lagThreshold: 2_000 },
      { suffix: '.offer-requests', topic: TOPICS.offerRequests.name, lagThreshold: 200 },
      { suffix: '.offer-outcomes', topic: TOPICS.offerOutcomes.name, lagThreshold: 2_000 },
      { suffix: '.user-erasures', topic: TOPICS.userErasures.name, lagThreshold: 100 },
      { suffix: '.nlp-signals', topic: TOPICS.nlpSignals.name, lagThreshold: 2_000 },
    ],
    requests: { cpu: '250m', memory: '384Mi' },
    limits: { cpu: '1', memory: '768Mi' },
    prodReplicas: { min: 2, max: 12 },
    env: {
      GNN_CANDIDATES_URL: 'http://gnn-worker:3003',
      GNN_TIMEOUT_MS: String(GNN_TIMEOUT_MS),
      // Fewer scavenges per decision; the decision bench runs the service with this setting.
      NODE_OPTIONS: '--max-semi-space-size=64',
    },
    calledBy: [],
    cpuTarget: 70,
  },
  {
    name: 'stream-processor',
    port: 3001,
    description: 'consumes the clickstream and catalog, maintains user and item features in Redis',
    groups: [
      { suffix: '', topic: TOPICS.clickstream.name, lagThreshold: 5_000 },
      { suffix: '.catalog', topic: TOPICS.catalog.name, lagThreshold: 5_000 },
    ],
    requests: { cpu: '500m', memory: '512Mi' },
    limits: { cpu: '1500m', memory: '1Gi' },
    prodReplicas: { min: 2, max: 12 },
    // A larger young generation raised throughput by about 10 % in npm run bench -- stream.
    env: { NODE_OPTIONS: '--max-semi-space-size=64' },
    calledBy: [],
  },
  {
    name: 'nlp-worker',
    port: 3002,
    description: 'scores reviews and searches, writes sentiment and intent to Redis and the nlp-signals topic',
    groups: [{ suffix: '', topic: TOPICS.clickstream.name, lagThreshold: 2_000 }],
    requests: { cpu: '500m', memory: '768Mi' },
    limits: { cpu: '1', memory: '1536Mi' },
    prodReplicas: { min: 2, max: 12 },
    env: {},
    calledBy: [],
  },
  {
    name: 'gnn-worker',
    port: 3003,
    description: 'keeps the user-item graph, trains and serves graph candidates',
    groups: [{ suffix: '', topic: TOPICS.clickstream.name, lagThreshold: 5_000 }],
    requests: { cpu: '500m', memory: '1Gi' },
    limits: { cpu: '2', memory: '2Gi' },
    // Two pods so that a drain never leaves the decision service without graph candidates.
    prodReplicas: { min: 2, max: 6 },
    env: {},
    calledBy: ['decision-service'],
  },
];
