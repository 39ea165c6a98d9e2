import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { allTopicNames } from '@offerstream/contracts';
import { ENVIRONMENTS } from './environments';
import { consumerGroupBase, renderObjects, type Manifest } from './render';
import { GNN_TIMEOUT_MS, SERVICES } from './services';

/**
 * The manifests may only set what the code reads and serves: every env var is a field of a config schema the
 * process loads, every port and probe path is one the service serves, every topic and consumer group is the
 * code's. Read from the sources, so a rename in the code fails here rather than silently in a cluster.
 */
const ROOT = join(__dirname, '..', '..');
const read = (rel: string): string => readFileSync(join(ROOT, rel), 'utf8');

/** Variables Node itself reads (not our config schemas). */
const RUNTIME_VARS = new Set(['NODE_OPTIONS']);

function schemaFields(source: string): string[] {
  return [...source.matchAll(/^\s*([A-Z][A-Z0-9_]{2,}):\s*(?:envField|z)\s*\./gm)].map((m) => m[1] ?? '');
}

function configFilesUnder(dir: string): string[] {
  if (!existsSync(join(ROOT, dir))) return [];
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => /config\.ts$/.test(f) && !f.endsWith('.spec.ts'))
    .map((f) => join(dir, f));
}

/** The env vars a process started from `entry` (a config or tool source) validates, with the libs it loads. */
function varsRead(entry: string, opts: { platform: boolean }): Set<string> {
  const source = read(entry);
  const files = [entry];
  if (source.includes('loadKafkaEnv')) files.push('libs/kafka/src/kafka.config.ts');
  if (source.includes('loadRedisEnv')) files.push('libs/redis/src/redis.config.ts');
  if (source.includes('loadFeatureStoreConfig')) files.push('libs/feature-store/src/feature-store.config.ts');
  if (opts.platform) files.push(...configFilesUnder('libs/platform/src'));
  const vars = new Set(files.flatMap((f) => schemaFields(read(f))));
  // The JSON logger reads its level directly (libs/core/src/json-logger.ts).
  for (const m of read('libs/core/src/json-logger.ts').matchAll(/process\.env\['([A-Z_]+)'\]/g)) vars.add(m[1] ?? '');
  return vars;
}

type Container = { name: string; env?: { name: string }[]; envFrom?: unknown[]; ports?: { containerPort: number }[] };
const byKind = (objects: readonly Manifest[], kind: string, name?: string) =>
  objects.filter((m) => m.kind === kind && (name === undefined || m.metadata?.name === name)) as (Manifest & {
    spec: Record<string, unknown>;
    data?: Record<string, string>;
  })[];
const podContainers = (m: { spec: Record<string, unknown> }): Container[] =>
  (m.spec['template'] as { spec: { containers: Container[] } }).spec.containers ?? [];

function servedPaths(): Set<string> {
  const source = read('libs/platform/src/ops.controller.ts');
  return new Set([...source.matchAll(/@Get\('([^']+)'\)/g)].map((m) => `/${m[1]}`));
}

describe.each(Object.values(ENVIRONMENTS))('the $name manifests against the code', (env) => {
  const objects = renderObjects(env);

  it.each(SERVICES.map((s) => s.name))('set only env vars that %s reads', (name) => {
    const readByCode = varsRead(`apps/${name}/src/${name}.config.ts`, { platform: true });
    const [cm] = byKind(objects, 'ConfigMap', name);
    const [dep] = byKind(objects, 'Deployment', name);
    const set = [
      ...Object.keys(cm?.data ?? {}),
      ...podContainers(dep!).flatMap((c) => (c.env ?? []).map((e) => e.name)),
    ];
    expect(set.length).toBeGreaterThan(4);
    expect(set.filter((v) => !readByCode.has(v) && !RUNTIME_VARS.has(v))).toEqual([]);
  });

  it('set only env vars that the topic job reads', () => {
    const readByCode = varsRead('tools/create-topics.ts', { platform: false });
    const [job] = byKind(objects, 'Job', 'create-topics');
    const set = podContainers(job!).flatMap((c) => (c.env ?? []).map((e) => e.name));
    expect(set).toContain('KAFKA_MIN_INSYNC_REPLICAS');
    expect(set.filter((v) => !readByCode.has(v))).toEqual([]);
  });

  it.each(SERVICES.map((s) => s.name))('give %s the port its config defaults to, on probes it serves', (name) => {
    const config = read(`apps/${name}/src/${name}.config.ts`);
    const port = Number(/PORT:\s*envField\.int\((\d+)/.exec(config)?.[1]);
    const [cm] = byKind(objects, 'ConfigMap', name);
    const [dep] = byKind(objects, 'Deployment', name);
    const [svc] = byKind(objects, 'Service', name);
    const [container] = podContainers(dep!);
    expect(cm?.data?.['PORT']).toBe(String(port));
    expect(container?.ports?.map((p) => p.containerPort)).toEqual([port]);
    expect((svc?.spec['ports'] as { port: number; targetPort: string }[])[0]).toMatchObject({
      port,
      targetPort: 'http',
    });
    const annotations = (dep!.spec['template'] as { metadata: { annotations: Record<string, string> } }).metadata
      .annotations;
    expect(annotations['prometheus.io/port']).toBe(String(port));
    const paths = servedPaths();
    const probes = ['startupProbe', 'livenessProbe', 'readinessProbe'].map(
      (p) => (container as unknown as Record<string, { httpGet: { path: string; port: string } }>)[p]?.httpGet,
    );
    for (const probe of probes)
      expect({ path: probe?.path, served: paths.has(probe?.path ?? '') }).toMatchObject({ served: true });
    expect(paths.has(annotations['prometheus.io/path'] ?? '')).toBe(true);
    expect(probes.map((p) => p?.path)).toEqual(['/health/live', '/health/live', '/health/ready']);
  });

  it('wire the decision service to the gnn-worker Service with a timeout above the measured GNN p99', () => {
    const [cm] = byKind(objects, 'ConfigMap', 'decision-service');
    const url = new URL(cm?.data?.['GNN_CANDIDATES_URL'] ?? 'http://missing');
    const [gnn] = byKind(objects, 'Service', url.hostname);
    expect((gnn?.spec['ports'] as { port: number }[])[0]?.port).toBe(Number(url.port));
    const p99 = Number(/"candidates_p99_ms":([\d.]+)/.exec(read('apps/gnn-worker/RESULTS.md'))?.[1]);
    expect(p99).toBeGreaterThan(0);
    // Benchmarks on the shared machine move by ±50 %: the timeout clears the measured p99 by that margin.
    expect(GNN_TIMEOUT_MS).toBeGreaterThan(1.5 * p99);
    expect(cm?.data?.['GNN_TIMEOUT_MS']).toBe(String(GNN_TIMEOUT_MS));
  });
});

describe('the prod autoscaling against the code', () => {
  const objects = renderObjects(ENVIRONMENTS.prod);
  const topics = new Map(allTopicNames().map((t) => [t.name, t.partitions]));

  it.each(SERVICES.map((s) => s.name))('scales %s on the lag of exactly the consumer groups its code joins', (name) => {
    const config = read(`apps/${name}/src/${name}.config.ts`);
    expect(/CONSUMER_GROUP:\s*envField\.str\('([^']+)'\)/.exec(config)?.[1]).toBe(consumerGroupBase(name));
    const dir = join('apps', name, 'src');
    const sources = readdirSync(join(ROOT, dir))
      .filter((f) => f.endsWith('.ts') && !/spec\.ts$/.test(f))
      .map((f) => read(join(dir, f)))
      .join('\n');
    // Consumers are `@EventPattern(topic[, { group: 'x' }])` handlers: the service's group, or `<group>.x`.
    const suffixes = [...sources.matchAll(/@EventPattern\(\s*[\w.]+(?:\s*,\s*\{\s*group:\s*'([\w-]+)'\s*\})?/g)].map(
      (m) => (m[1] ? `.${m[1]}` : ''),
    );
    expect(suffixes.length).toBeGreaterThan(0);
    const [scaled] = byKind(objects, 'ScaledObject', name);
    const triggers = scaled?.spec['triggers'] as { type: string; metadata: Record<string, string> }[];
    const kafka = triggers.filter((t) => t.type === 'kafka');
    expect(kafka.map((t) => t.metadata['consumerGroup']).sort()).toEqual(
      suffixes.map((s) => consumerGroupBase(name) + s).sort(),
    );
    for (const t of kafka) expect(topics.has(t.metadata['topic'] ?? '')).toBe(true);
    // A consumer beyond the partitions of everything it reads would sit idle.
    const partitions = Math.max(...kafka.map((t) => topics.get(t.metadata['topic'] ?? '') ?? 0));
    expect(scaled?.spec['maxReplicaCount']).toBeLessThanOrEqual(partitions);
  });

  it('gives the decision service a CPU trigger too (it answers HTTP) and no second HPA', () => {
    const [scaled] = byKind(objects, 'ScaledObject', 'decision-service');
    expect((scaled?.spec['triggers'] as { type: string }[]).map((t) => t.type)).toContain('cpu');
    expect(byKind(objects, 'HorizontalPodAutoscaler')).toEqual([]);
  });

  it('creates topics with replication 3 and min.insync.replicas 2, dev with 1 and 1', () => {
    const envOf = (name: 'dev' | 'prod') =>
      Object.fromEntries(
        podContainers(byKind(renderObjects(ENVIRONMENTS[name]), 'Job', 'create-topics')[0]!).flatMap((c) =>
          (c.env ?? []).map((e) => [e.name, (e as { value?: string }).value]),
        ),
      );
    expect(envOf('prod')).toMatchObject({ KAFKA_REPLICATION_FACTOR: '3', KAFKA_MIN_INSYNC_REPLICAS: '2' });
    expect(envOf('dev')).toMatchObject({ KAFKA_REPLICATION_FACTOR: '1', KAFKA_MIN_INSYNC_REPLICAS: '1' });
  });
});
