import type { INamespace } from 'kubernetes-models/v1/Namespace';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import type { ITriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication';
import { OTLP_PORT, SECRETS, type Environment } from './environments';
import type { ServiceSpec } from './services';
import {
  DATA_ACCESS_LABEL,
  PART_OF,
  containerSecurity,
  credentialEnv,
  labels,
  meta,
  podSecurity,
  tlsFileSettings,
  tlsVolume,
} from './workloads';

/** Kubernetes version of the bundled schemas (kubernetes-models 5.1.0) and of the Pod Security profile. */
export const KUBERNETES_VERSION = 'v1.34';

export function namespace(env: Environment): INamespace {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: env.namespace,
      labels: {
        'app.kubernetes.io/part-of': PART_OF,
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': KUBERNETES_VERSION,
        'pod-security.kubernetes.io/audit': 'restricted',
        'pod-security.kubernetes.io/warn': 'restricted',
      },
    },
  };
}

const nsSelector = (name: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } } });
const KAFKA_PORTS = [9092, 9093];
const REDIS_PORTS = [6379, 6380];

/**
 * Default deny in both directions, then only: DNS; Kafka and Redis from pods labelled for data access (the
 * services and the topic job); the decision service from the ingress controller; each service's HTTP port from
 * Prometheus and from the services that call it.
 */
export function networkPolicies(env: Environment, services: readonly ServiceSpec[]): INetworkPolicy[] {
  const policy = (name: string, spec: INetworkPolicy['spec']): INetworkPolicy => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta(env, name, 'network'),
    spec,
  });
  const out: INetworkPolicy[] = [
    policy('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    policy('allow-dns', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [{ ...nsSelector('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
      ],
    }),
    policy('allow-kafka-redis', {
      podSelector: { matchLabels: { [DATA_ACCESS_LABEL]: 'true' } },
      policyTypes: ['Egress'],
      egress: [
        {
          to: [nsSelector(env.infraNamespace)],
          ports: [...KAFKA_PORTS, ...REDIS_PORTS].map((port) => ({ protocol: 'TCP', port })),
        },
      ],
    }),
    // Traces go to the OpenTelemetry collector over OTLP/HTTP (OTEL_EXPORTER_OTLP_ENDPOINT).
    policy('allow-otlp', {
      podSelector: { matchLabels: { 'app.kubernetes.io/component': 'service' } },
      policyTypes: ['Egress'],
      egress: [{ to: [nsSelector(env.monitoringNamespace)], ports: [{ protocol: 'TCP', port: OTLP_PORT }] }],
    }),
  ];
  for (const svc of services) {
    const from = [
      nsSelector(env.monitoringNamespace),
      ...svc.calledBy.map((caller) => ({ podSelector: { matchLabels: { 'app.kubernetes.io/name': caller } } })),
      ...(svc.name === 'decision-service' ? [nsSelector(env.ingressNamespace)] : []),
    ];
    out.push(
      policy(`${svc.name}-ingress`, {
        podSelector: { matchLabels: { 'app.kubernetes.io/name': svc.name } },
        policyTypes: ['Ingress'],
        ingress: [{ from, ports: [{ protocol: 'TCP', port: svc.port }] }],
      }),
    );
    for (const callee of services.filter((s) => s.calledBy.includes(svc.name))) {
      out.push(
        policy(`${svc.name}-to-${callee.name}`, {
          podSelector: { matchLabels: { 'app.kubernetes.io/name': svc.name } },
          policyTypes: ['Egress'],
          egress: [
            {
              to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': callee.name } } }],
              ports: [{ protocol: 'TCP', port: callee.port }],
            },
          ],
        }),
      );
    }
  }
  return out;
}

export const KEDA_AUTH = 'offerstream-kafka';

/** KEDA reads consumer lag with the same SASL credentials as the services (its own parameter names). */
export function kedaAuth(env: Environment): ITriggerAuthentication[] {
  if (!env.autoscaling || !env.credentials) return [];
  return [
    {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'TriggerAuthentication',
      metadata: meta(env, KEDA_AUTH, 'autoscaling'),
      spec: {
        secretTargetRef: [
          { parameter: 'sasl', name: SECRETS.kafka.name, key: 'keda-sasl' },
          { parameter: 'username', name: SECRETS.kafka.name, key: 'username' },
          { parameter: 'password', name: SECRETS.kafka.name, key: 'password' },
          // The brokers' CA when it is internal (the services mount theirs from their TLS Secrets).
          ...(env.tlsFiles ? [{ parameter: 'ca', name: SECRETS.kafka.name, key: 'ca.crt' }] : []),
        ],
      },
    },
  ];
}

/**
 * One ScaledObject per service with a Kafka lag trigger for each of its consumer groups (KEDA scales on the
 * largest), plus CPU for the decision service, which also answers HTTP. KEDA owns the HPA it creates: a second
 * HPA on the same Deployment would fight it.
 */
export function scaledObject(env: Environment, svc: ServiceSpec, consumerGroupBase: string): IScaledObject | undefined {
  if (!env.autoscaling) return undefined;
  const auth = env.credentials ? { authenticationRef: { name: KEDA_AUTH } } : {};
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: meta(env, svc.name, 'autoscaling'),
    spec: {
      scaleTargetRef: { name: svc.name },
      minReplicaCount: svc.prodReplicas.min,
      maxReplicaCount: svc.prodReplicas.max,
      pollingInterval: 15,
      cooldownPeriod: 300,
      advanced: {
        horizontalPodAutoscalerConfig: {
          // Every change of group membership rebalances: scale up in steps, down slowly.
          behavior: {
            scaleUp: { stabilizationWindowSeconds: 60, policies: [{ type: 'Pods', value: 2, periodSeconds: 60 }] },
            scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Pods', value: 1, periodSeconds: 120 }] },
          },
        },
      },
      triggers: [
        ...svc.groups.map((g) => ({
          type: 'kafka',
          metadata: {
            bootstrapServers: env.kafkaBrokers,
            consumerGroup: consumerGroupBase + g.suffix,
            topic: g.topic,
            lagThreshold: String(g.lagThreshold),
            offsetResetPolicy: 'earliest',
            ...(env.credentials ? { tls: 'enable' } : {}),
          },
          ...auth,
        })),
        ...(svc.cpuTarget
          ? [{ type: 'cpu', metricType: 'Utilization', metadata: { value: String(svc.cpuTarget) } }]
          : []),
      ],
    },
  };
}

/** Creates the contract's topics (idempotent), with the environment's replication and min.insync.replicas. */
export function topicsJob(env: Environment): IJob {
  const tls = tlsVolume(env, 'create-topics');
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: meta(env, 'create-topics', 'topics'),
    spec: {
      backoffLimit: 6,
      ttlSecondsAfterFinished: 86_400,
      template: {
        metadata: { labels: { ...labels('create-topics', 'topics'), [DATA_ACCESS_LABEL]: 'true' } },
        spec: {
          restartPolicy: 'OnFailure',
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: podSecurity(),
          containers: [
            {
              name: 'create-topics',
              image: env.image,
              command: ['node', 'dist/tools/create-topics.js', '--wait-ms', '120000'],
              env: [
                { name: 'KAFKA_BROKERS', value: env.kafkaBrokers },
                { name: 'KAFKA_REPLICATION_FACTOR', value: String(env.replicationFactor) },
                { name: 'KAFKA_MIN_INSYNC_REPLICAS', value: String(env.minInsyncReplicas) },
                ...(env.credentials ? [{ name: 'KAFKA_SSL', value: 'true' }] : []),
                ...credentialEnv(env).filter((e) => e.name.startsWith('KAFKA_')),
                ...Object.entries(tlsFileSettings(env, 'kafka')).map(([name, value]) => ({ name, value })),
              ],
              resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
              securityContext: containerSecurity(),
              ...(tls.volumeMounts.length > 0 ? { volumeMounts: tls.volumeMounts } : {}),
            },
          ],
          ...(tls.volumes.length > 0 ? { volumes: tls.volumes } : {}),
        },
      },
    },
  };
}
