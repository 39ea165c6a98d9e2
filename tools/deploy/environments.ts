/**
 * The per-environment differences of the Kubernetes manifests, in one place. Everything else is rendered from the
 * same code for every environment (tools/deploy/render.ts), so dev and prod cannot drift apart by hand edits.
 */
export type EnvironmentName = 'dev' | 'prod';

export interface Environment {
  readonly name: EnvironmentName;
  readonly namespace: string;
  /** Pinned by digest in prod so that a re-pushed tag never changes what runs. */
  readonly image: string;
  readonly kafkaBrokers: string;
  readonly redisUrl: string;
  readonly logLevel: 'debug' | 'info';
  /** TLS + SASL to Kafka and an ACL user on Redis, credentials from Secrets (never in ConfigMaps). */
  readonly credentials: boolean;
  /** Topic creation: copies of each partition and the acknowledgements a produce with acks=all waits for. */
  readonly replicationFactor: number;
  readonly minInsyncReplicas: number;
  /** Lag autoscaling (KEDA) and PodDisruptionBudgets; without it every service runs one pod. */
  readonly autoscaling: boolean;
  /** Namespaces whose pods may reach in: the ingress controller (decision-service only) and Prometheus. */
  readonly ingressNamespace: string;
  readonly monitoringNamespace: string;
  /** Where Kafka and Redis run, for the egress policy. */
  readonly infraNamespace: string;
  /** The OpenTelemetry collector's OTLP/HTTP endpoint (in the monitoring namespace; egress allowed to its port). */
  readonly otlpEndpoint: string;
  /** Share of traces started here that are kept (`parentbased_traceidratio`: a caller's decision is followed). */
  readonly traceSampleRatio: number;
  /**
   * Trust an internal CA and present a client certificate to Kafka and Redis: each workload mounts its own Secret
   * (`tlsSecretName`, cert-manager's keys `ca.crt`, `tls.crt`, `tls.key`) read-only at TLS_DIR.
   */
  readonly tlsFiles: boolean;
}

const INFRA = 'offerstream-infra';
/** OTLP over HTTP (JSON), the only protocol the services' exporter speaks. */
export const OTLP_PORT = 4318;
const OTLP_ENDPOINT = `http://otel-collector.monitoring.svc.cluster.local:${OTLP_PORT}`;

export const ENVIRONMENTS: Readonly<Record<EnvironmentName, Environment>> = {
  dev: {
    name: 'dev',
    namespace: 'offerstream-dev',
    image: 'offerstream/offerstream:dev',
    kafkaBrokers: `kafka.${INFRA}.svc.cluster.local:9092`,
    redisUrl: `redis://redis.${INFRA}.svc.cluster.local:6379`,
    logLevel: 'debug',
    credentials: false,
    replicationFactor: 1,
    minInsyncReplicas: 1,
    autoscaling: false,
    ingressNamespace: 'ingress-nginx',
    monitoringNamespace: 'monitoring',
    infraNamespace: INFRA,
    otlpEndpoint: OTLP_ENDPOINT,
    traceSampleRatio: 1,
    tlsFiles: false,
  },
  prod: {
    name: 'prod',
    namespace: 'offerstream',
    // Placeholder digest: CI replaces it with the digest `docker build` pushed (see deploy/README.md).
    image: 'registry.example.com/offerstream/offerstream:0.1.0@sha256:' + '0'.repeat(64),
    kafkaBrokers: `kafka-bootstrap.${INFRA}.svc.cluster.local:9093`,
    redisUrl: `rediss://redis.${INFRA}.svc.cluster.local:6380`,
    logLevel: 'info',
    credentials: true,
    replicationFactor: 3,
    minInsyncReplicas: 2,
    autoscaling: true,
    ingressNamespace: 'ingress-nginx',
    monitoringNamespace: 'monitoring',
    infraNamespace: INFRA,
    otlpEndpoint: OTLP_ENDPOINT,
    traceSampleRatio: 0.01,
    tlsFiles: true,
  },
};

/** Secrets the platform team creates (kubectl or External Secrets Operator); the manifests only reference them. */
export const SECRETS = {
  /** `ca.crt`: the brokers' CA for KEDA's lag reader when `tlsFiles` (the services mount their own TLS Secret). */
  kafka: { name: 'offerstream-kafka', keys: ['sasl-mechanism', 'username', 'password', 'keda-sasl', 'ca.crt'] },
  redis: { name: 'offerstream-redis', keys: ['username', 'password'] },
  /** The API keys file every service reads (API_KEYS_FILE, re-read on change, so keys rotate without a restart). */
  apiKeys: { name: 'offerstream-api-keys', keys: ['api-keys'] },
  /** The key of user pseudonyms (USER_ID_HMAC_KEY, required under NODE_ENV=production): the same in every service. */
  userIds: { name: 'offerstream-user-ids', keys: ['hmac-key'] },
  /**
   * Keys one service presents to another, one entry per caller: `decision-service` is the decision service's key
   * with the gnn-worker's reader role (GNN_CANDIDATES_API_KEY; its hash is a line of the API keys file).
   */
  serviceKeys: { name: 'offerstream-service-keys', keys: ['decision-service'] },
} as const;

/** Where the API keys Secret is mounted (a directory, not subPath, so that the kubelet's updates reach the pod). */
export const API_KEYS_DIR = '/etc/offerstream/api-keys';

/** Where a workload's transport-security Secret is mounted (Environment.tlsFiles). */
export const TLS_DIR = '/etc/offerstream/tls';
/** The keys cert-manager writes into a Certificate's Secret: the issuing CA, the workload's certificate and key. */
export const TLS_SECRET_KEYS = ['ca.crt', 'tls.crt', 'tls.key'] as const;
/** One Secret per workload, so each has its own certificate (and Kafka principal `User:CN=...` if used). */
export const tlsSecretName = (workload: string): string => `offerstream-${workload}-tls`;
