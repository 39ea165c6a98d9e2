import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import type { IPodSecurityContext } from 'kubernetes-models/v1/PodSecurityContext';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import type { IVolumeMount } from 'kubernetes-models/v1/VolumeMount';
import type { ISecurityContext } from 'kubernetes-models/v1/SecurityContext';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { API_KEYS_DIR, SECRETS, TLS_DIR, tlsSecretName, type Environment } from './environments';
import type { ServiceSpec } from './services';

export const PART_OF = 'offerstream';
/** Pods with this label may reach Kafka and Redis (see network.ts). */
export const DATA_ACCESS_LABEL = 'offerstream.io/data-access';

export function labels(name: string, component: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/part-of': PART_OF,
  };
}

export function meta(env: Environment, name: string, component: string) {
  return { name, namespace: env.namespace, labels: labels(name, component) };
}

/** Replicas a service runs with in this environment: the autoscaler's floor in prod, one pod in dev. */
export function minReplicas(env: Environment, svc: ServiceSpec): number {
  return env.autoscaling ? svc.prodReplicas.min : 1;
}

/** Settings without secrets; credentials come from Secrets through secretKeyRef (credentialEnv). */
export function configMap(env: Environment, svc: ServiceSpec): IConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta(env, svc.name, 'service'),
    data: {
      PORT: String(svc.port),
      NODE_ENV: 'production',
      LOG_LEVEL: env.logLevel,
      KAFKA_BROKERS: env.kafkaBrokers,
      KAFKA_CLIENT_ID: `offerstream-${svc.name}`,
      REDIS_URL: env.redisUrl,
      // The ledger and the watermarks must survive a Redis restart: refuse to start against a Redis without AOF.
      REDIS_REQUIRE_PERSISTENCE: 'true',
      API_KEYS_FILE: `${API_KEYS_DIR}/api-keys`,
      ...(env.credentials ? { KAFKA_SSL: 'true' } : {}),
      ...tlsFileSettings(env, 'all'),
      ...otelSettings(env, svc.name),
      ...svc.env,
    },
  };
}

/**
 * Traces to the cluster's OpenTelemetry collector, by the standard variables only (libs/platform validates them at
 * boot): the service's name, where it runs, and the sampling of traces that start here.
 */
export function otelSettings(env: Environment, service: string): Record<string, string> {
  const version = /:([^:@/]+)(?:@|$)/.exec(env.image)?.[1];
  const attributes = {
    'service.namespace': PART_OF,
    ...(version ? { 'service.version': version } : {}),
    'deployment.environment.name': env.name,
    'k8s.namespace.name': env.namespace,
    'k8s.deployment.name': service,
  };
  return {
    OTEL_SERVICE_NAME: service,
    OTEL_RESOURCE_ATTRIBUTES: Object.entries(attributes)
      .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
      .join(','),
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_ENDPOINT: env.otlpEndpoint,
    OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
    OTEL_TRACES_SAMPLER_ARG: String(env.traceSampleRatio),
  };
}

/**
 * The transport-security files, as paths into the workload's mounted Secret (tlsVolume): the CA that signed the
 * brokers' and Redis' certificates, and the workload's certificate and key. Kafka authenticates by SCRAM in prod;
 * its listener ignores the certificate unless it requires one (`ssl.client.auth=required`), Redis checks it
 * (`tls-auth-clients yes`). `kafka`: only the Kafka files (the topic job does not use Redis).
 */
export function tlsFileSettings(env: Environment, which: 'all' | 'kafka'): Record<string, string> {
  if (!env.tlsFiles) return {};
  const ca = `${TLS_DIR}/ca.crt`;
  const cert = `${TLS_DIR}/tls.crt`;
  const key = `${TLS_DIR}/tls.key`;
  return {
    KAFKA_SSL_CA_FILE: ca,
    KAFKA_SSL_CERT_FILE: cert,
    KAFKA_SSL_KEY_FILE: key,
    ...(which === 'all' ? { REDIS_TLS_CA_FILE: ca, REDIS_TLS_CERT_FILE: cert, REDIS_TLS_KEY_FILE: key } : {}),
  };
}

/** The workload's TLS Secret as a read-only volume (files 0440, group-readable by the pod's fsGroup only). */
export function tlsVolume(env: Environment, workload: string): { volumes: IVolume[]; volumeMounts: IVolumeMount[] } {
  if (!env.tlsFiles) return { volumes: [], volumeMounts: [] };
  return {
    volumes: [{ name: 'tls', secret: { secretName: tlsSecretName(workload), defaultMode: 0o440 } }],
    volumeMounts: [{ name: 'tls', mountPath: TLS_DIR, readOnly: true }],
  };
}

/** Every service pseudonymizes user ids with the same key, so one user has one pseudonym across services. */
export function userIdKeyEnv(): IEnvVar[] {
  return [{ name: 'USER_ID_HMAC_KEY', valueFrom: { secretKeyRef: { name: SECRETS.userIds.name, key: 'hmac-key' } } }];
}

/** The key a service presents to the services it calls: the decision service's to the gnn-worker. */
export function serviceKeyEnv(service: string): IEnvVar[] {
  if (service !== 'decision-service') return [];
  const ref = { secretKeyRef: { name: SECRETS.serviceKeys.name, key: 'decision-service' } };
  return [{ name: 'GNN_CANDIDATES_API_KEY', valueFrom: ref }];
}

export function credentialEnv(env: Environment): IEnvVar[] {
  if (!env.credentials) return [];
  const ref = (name: string, secret: string, key: string): IEnvVar => ({
    name,
    valueFrom: { secretKeyRef: { name: secret, key } },
  });
  return [
    ref('KAFKA_SASL_MECHANISM', SECRETS.kafka.name, 'sasl-mechanism'),
    ref('KAFKA_SASL_USERNAME', SECRETS.kafka.name, 'username'),
    ref('KAFKA_SASL_PASSWORD', SECRETS.kafka.name, 'password'),
    ref('REDIS_USERNAME', SECRETS.redis.name, 'username'),
    ref('REDIS_PASSWORD', SECRETS.redis.name, 'password'),
  ];
}

/** Pod Security `restricted`: non-root, no privilege escalation, no capabilities, RuntimeDefault seccomp. */
export function podSecurity(): IPodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: 1000,
    runAsGroup: 1000,
    fsGroup: 1000,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}
export function containerSecurity(): ISecurityContext {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    privileged: false,
    capabilities: { drop: ['ALL'] },
  };
}

export function serviceAccount(env: Environment, name: string): IServiceAccount {
  // No service uses the Kubernetes API: no token is mounted, here nor in the pods.
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: meta(env, name, 'service'),
    automountServiceAccountToken: false,
  };
}

export function entryPoint(svc: string): string[] {
  return ['node', `dist/apps/${svc}/src/main.js`];
}

export function deployment(env: Environment, svc: ServiceSpec): IDeployment {
  const tls = tlsVolume(env, svc.name);
  const podLabels = { ...labels(svc.name, 'service'), [DATA_ACCESS_LABEL]: 'true' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(env, svc.name, 'service'),
    spec: {
      // With autoscaling the ScaledObject owns the count, and an apply must not reset it.
      ...(env.autoscaling ? {} : { replicas: 1 }),
      revisionHistoryLimit: 5,
      selector: { matchLabels: { 'app.kubernetes.io/name': svc.name } },
      // Kafka consumers rebalance on every membership change: replace one pod at a time.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: {
          labels: podLabels,
          annotations: {
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(svc.port),
            'prometheus.io/path': '/metrics',
          },
        },
        spec: {
          serviceAccountName: svc.name,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          terminationGracePeriodSeconds: 45,
          securityContext: podSecurity(),
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'kubernetes.io/hostname',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: { 'app.kubernetes.io/name': svc.name } },
            },
          ],
          containers: [
            {
              name: svc.name,
              image: env.image,
              imagePullPolicy: 'IfNotPresent',
              command: entryPoint(svc.name),
              ports: [{ name: 'http', containerPort: svc.port, protocol: 'TCP' }],
              envFrom: [{ configMapRef: { name: svc.name } }],
              env: [...userIdKeyEnv(), ...serviceKeyEnv(svc.name), ...credentialEnv(env)],
              resources: { requests: { ...svc.requests }, limits: { ...svc.limits } },
              // Covers model loading and the first group join; liveness only starts after it passed.
              startupProbe: { httpGet: { path: '/health/live', port: 'http' }, periodSeconds: 5, failureThreshold: 24 },
              livenessProbe: {
                httpGet: { path: '/health/live', port: 'http' },
                periodSeconds: 10,
                timeoutSeconds: 3,
                failureThreshold: 3,
              },
              readinessProbe: {
                httpGet: { path: '/health/ready', port: 'http' },
                periodSeconds: 5,
                timeoutSeconds: 3,
                failureThreshold: 2,
              },
              // Let the Service drop the endpoint before SIGTERM starts the graceful shutdown (no shell needed).
              lifecycle: { preStop: { sleep: { seconds: 5 } } },
              securityContext: containerSecurity(),
              volumeMounts: [
                { name: 'tmp', mountPath: '/tmp' },
                { name: 'api-keys', mountPath: API_KEYS_DIR, readOnly: true },
                ...tls.volumeMounts,
              ],
            },
          ],
          volumes: [
            { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } },
            { name: 'api-keys', secret: { secretName: SECRETS.apiKeys.name, defaultMode: 0o440 } },
            ...tls.volumes,
          ],
        },
      },
    },
  };
}

export function service(env: Environment, svc: ServiceSpec): IService {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(env, svc.name, 'service'),
    spec: {
      type: 'ClusterIP',
      selector: { 'app.kubernetes.io/name': svc.name },
      ports: [{ name: 'http', port: svc.port, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}

/** Only where at least two pods run: a budget over one pod blocks drains and protects nothing. */
export function disruptionBudget(env: Environment, svc: ServiceSpec): IPodDisruptionBudget | undefined {
  if (minReplicas(env, svc) < 2) return undefined;
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: meta(env, svc.name, 'service'),
    spec: {
      // One voluntary eviction at a time: never a node drain that empties the consumer group.
      maxUnavailable: 1,
      selector: { matchLabels: { 'app.kubernetes.io/name': svc.name } },
    },
  };
}
