import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { loadKafkaEnv } from '@offerstream/kafka';
import { loadTracingConfig, tracesExporters } from '@offerstream/platform';
import { loadRedisEnv } from '@offerstream/redis';
import { ENVIRONMENTS, OTLP_PORT, TLS_DIR, TLS_SECRET_KEYS, tlsSecretName, type Environment } from './environments';
import { renderObjects, type Manifest } from './render';
import { SERVICES } from './services';

/**
 * What the manifests give the services for tracing and transport security, checked offline against the code that
 * reads it: the OTEL_* settings through the services' own validator, the TLS file paths against the volumes that
 * must hold them, and the whole Kafka and Redis configuration of each pod through libs/kafka's and libs/redis'
 * loaders, with the mounted Secret reproduced as files in a temporary directory.
 */
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}
interface Container {
  name: string;
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string } }[];
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}
interface PodSpec {
  containers: Container[];
  volumes?: { name: string; secret?: { secretName: string; defaultMode?: number } }[];
}
type Obj = Manifest & { spec?: Record<string, unknown>; data?: Record<string, string> };

const TLS_VARS = [
  'KAFKA_SSL_CA_FILE',
  'KAFKA_SSL_CERT_FILE',
  'KAFKA_SSL_KEY_FILE',
  'REDIS_TLS_CA_FILE',
  'REDIS_TLS_CERT_FILE',
  'REDIS_TLS_KEY_FILE',
];

/**
 * Each pod with its container's environment as the kubelet would give it (ConfigMap, then env; Secrets as `secret`).
 */
function pods(objects: readonly Obj[]) {
  return objects
    .filter((m) => m.kind === 'Deployment' || m.kind === 'Job')
    .map((m) => {
      const spec = (m.spec?.['template'] as { spec: PodSpec }).spec;
      const [container] = spec.containers;
      const env: Record<string, string> = {};
      for (const from of container?.envFrom ?? []) {
        const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata?.name === from.configMapRef?.name);
        Object.assign(env, cm?.data ?? {});
      }
      // Secret values stand in as placeholders (the SASL mechanism as the one prod uses).
      for (const e of container?.env ?? []) {
        env[e.name] = e.value ?? (e.name === 'KAFKA_SASL_MECHANISM' ? 'scram-sha-512' : 'secret');
      }
      return { owner: m.metadata?.name ?? '', kind: m.kind, spec, container: container!, env };
    });
}

describe.each(Object.values(ENVIRONMENTS))('the $name manifests, tracing', (env: Environment) => {
  const objects = renderObjects(env) as Obj[];
  const services = pods(objects).filter((p) => p.kind === 'Deployment');

  it('name every service and its environment by the standard variables, accepted by the services', () => {
    expect(services.map((p) => p.owner).sort()).toEqual(SERVICES.map((s) => s.name).sort());
    for (const { owner, env: vars } of services) {
      const config = loadTracingConfig(vars);
      expect({ owner, exporters: tracesExporters(vars) }).toEqual({ owner, exporters: ['otlp'] });
      expect(config.OTEL_SERVICE_NAME).toBe(owner);
      expect(config.resourceAttributes).toMatchObject({
        'service.namespace': 'offerstream',
        'deployment.environment.name': env.name,
        'k8s.namespace.name': env.namespace,
        'k8s.deployment.name': owner,
      });
      expect(config.OTEL_TRACES_SAMPLER).toBe('parentbased_traceidratio');
      expect(config.OTEL_TRACES_SAMPLER_ARG).toBe(env.traceSampleRatio);
      expect(config.OTEL_EXPORTER_OTLP_ENDPOINT).toBe(env.otlpEndpoint);
    }
  });

  it('let every service reach the collector, and only on its port', () => {
    const endpoint = new URL(env.otlpEndpoint);
    expect(Number(endpoint.port)).toBe(OTLP_PORT);
    expect(endpoint.hostname.endsWith(`.${env.monitoringNamespace}.svc.cluster.local`)).toBe(true);
    const policy = objects.find((m) => m.kind === 'NetworkPolicy' && m.metadata?.name === 'allow-otlp');
    const selector = (policy?.spec?.['podSelector'] as { matchLabels: Record<string, string> }).matchLabels;
    expect(policy?.spec?.['egress']).toEqual([
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': env.monitoringNamespace } } }],
        ports: [{ protocol: 'TCP', port: OTLP_PORT }],
      },
    ]);
    for (const m of objects.filter((o) => o.kind === 'Deployment')) {
      const podLabels = (m.spec?.['template'] as { metadata: { labels: Record<string, string> } }).metadata.labels;
      expect(Object.entries(selector).every(([k, v]) => podLabels[k] === v)).toBe(true);
    }
  });
});

describe.each(Object.values(ENVIRONMENTS))('the $name manifests, transport-security files', (env: Environment) => {
  const objects = renderObjects(env) as Obj[];
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'tls-mounts-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it.each(pods(renderObjects(env) as Obj[]).map((p) => p.owner))(
    'give %s its TLS files from its own Secret, read-only, only where the environment asks for them',
    (owner) => {
      const pod = pods(objects).find((p) => p.owner === owner)!;
      const set = TLS_VARS.filter((v) => pod.env[v] !== undefined);
      const volumes = (pod.spec.volumes ?? []).filter((v) => v.secret?.secretName === tlsSecretName(owner));
      if (!env.tlsFiles) {
        expect(set).toEqual([]);
        expect(volumes).toEqual([]);
        return;
      }
      // Services use Kafka and Redis; the topic job only Kafka.
      expect(set).toEqual(pod.kind === 'Job' ? TLS_VARS.filter((v) => v.startsWith('KAFKA_')) : TLS_VARS);
      expect(volumes).toHaveLength(1);
      const volume = volumes[0]!;
      // Certificates and keys: readable by the pod's group (fsGroup), never by others.
      expect((volume.secret?.defaultMode ?? 0o644) & 0o007).toBe(0);
      const mount = pod.container.volumeMounts?.find((m) => m.name === volume.name);
      expect(mount).toEqual({ name: volume.name, mountPath: TLS_DIR, readOnly: true });
      for (const v of set) {
        const path = pod.env[v]!;
        expect({ v, dir: posix.dirname(path) }).toEqual({ v, dir: TLS_DIR });
        expect(TLS_SECRET_KEYS).toContain(posix.basename(path));
        // Paths only: a certificate or key never sits in a ConfigMap or a plain value.
        expect(path).not.toMatch(/BEGIN/);
      }
    },
  );

  it.each(pods(renderObjects(env) as Obj[]).map((p) => p.owner))(
    "configure %s's Kafka (and Redis) client in a way the code accepts, with the Secret's files in place",
    (owner) => {
      const pod = pods(objects).find((p) => p.owner === owner)!;
      const vars = { ...pod.env };
      for (const key of TLS_SECRET_KEYS) {
        const file = join(root, owner, TLS_DIR, key);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, 'placeholder PEM\n', { mode: 0o440 });
      }
      for (const v of TLS_VARS) if (vars[v] !== undefined) vars[v] = join(root, owner, vars[v]);
      const kafka = loadKafkaEnv(vars);
      expect(kafka.KAFKA_SSL).toBe(env.credentials);
      expect(kafka.KAFKA_SSL_CA_FILE !== undefined).toBe(env.tlsFiles);
      if (pod.kind === 'Job') return;
      const redis = loadRedisEnv(vars);
      expect(redis.REDIS_TLS_CA_FILE !== undefined).toBe(env.tlsFiles);
      expect(new URL(redis.REDIS_URL).protocol).toBe(env.credentials ? 'rediss:' : 'redis:');
    },
  );
});
