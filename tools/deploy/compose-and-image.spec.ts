import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { GNN_TIMEOUT_MS, SERVICES } from './services';

/** docker-compose.yml and the Dockerfile cannot run here (no engine): their promises are checked as text. */
const ROOT = join(__dirname, '..', '..');

interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  volumes?: string[];
  read_only?: boolean;
  cap_drop?: string[];
}
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
};
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

describe('docker-compose.yml', () => {
  it.each(SERVICES.map((s) => [s.name, s.port] as const))(
    'runs %s from the built image, compiled, read-only, healthy only when /health/ready answers',
    (name, port) => {
      const svc = compose.services[name]!;
      expect(svc.image).toBe(compose.services['topics']!.image);
      expect(svc.command).toEqual(['node', `dist/apps/${name}/src/main.js`]);
      expect(svc.environment?.['PORT']).toBe(String(port));
      expect(svc.read_only).toBe(true);
      expect(svc.cap_drop).toEqual(['ALL']);
      expect(svc.healthcheck?.test.join(' ')).toContain(`http://127.0.0.1:${port}/health/ready`);
      expect(svc.depends_on).toMatchObject({
        kafka: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
        topics: { condition: 'service_completed_successfully' },
      });
    },
  );

  it('wires the decision service to a healthy gnn-worker with the manifests timeout', () => {
    const decision = compose.services['decision-service']!;
    expect(decision.environment).toMatchObject({
      GNN_CANDIDATES_URL: 'http://gnn-worker:3003',
      GNN_TIMEOUT_MS: String(GNN_TIMEOUT_MS),
    });
    expect(decision.depends_on?.['gnn-worker']).toEqual({ condition: 'service_healthy' });
  });

  it('keeps Redis on an fsync-per-second append-only file and Kafka log dirs on a volume', () => {
    const redis = compose.services['redis']!;
    expect(redis.command?.join(' ')).toMatch(/--appendonly yes --appendfsync everysec/);
    expect(redis.volumes).toContain('redis-data:/data');
    const kafka = compose.services['kafka']!;
    const logDirs = kafka.environment?.['KAFKA_LOG_DIRS'];
    expect(kafka.volumes).toContain(`kafka-data:${logDirs}`);
    expect(Object.keys(compose.volumes)).toEqual(expect.arrayContaining(['kafka-data', 'redis-data']));
    for (const infra of ['kafka', 'redis']) expect(compose.services[infra]!.healthcheck).toBeDefined();
  });

  it('creates topics with the compiled tool before anything consumes', () => {
    expect(compose.services['topics']!.command?.slice(0, 2)).toEqual(['node', 'dist/tools/create-topics.js']);
    expect(compose.services['topics']!.depends_on).toEqual({ kafka: { condition: 'service_healthy' } });
  });
});

describe('the Dockerfile', () => {
  const stages = dockerfile.split(/^FROM /m).slice(1);

  it('pins every stage base by digest', () => {
    const arg = /^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile)?.[1];
    expect(arg).toMatch(/^node:20-bookworm-slim@sha256:[0-9a-f]{64}$/);
    for (const stage of stages) expect(stage.startsWith('${NODE_IMAGE}')).toBe(true);
  });

  it('compiles in a build stage and ships production dependencies and build output only, as a non-root user', () => {
    expect(stages).toHaveLength(3);
    const [buildStage, depsStage, runtime] = stages as [string, string, string];
    expect(buildStage).toContain('tools/deploy/build.ts --out dist');
    expect(depsStage).toMatch(/npm ci --omit=dev/);
    const copies = runtime.split('\n').filter((l) => l.startsWith('COPY'));
    expect(copies.map((l) => l.split(/\s+/).slice(-1)[0])).toEqual(['./node_modules', './dist', './']);
    expect(runtime).toMatch(/^USER 1000:1000$/m);
    expect(runtime).toContain('"dist/apps/decision-service/src/main.js"');
    expect(runtime).not.toMatch(/run-ts|\.ts"/);
  });
});
