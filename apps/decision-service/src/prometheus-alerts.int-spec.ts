import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  authFetch,
  freePort,
  isolatedEnv,
  ServiceProcess,
  TEST_KEYS,
  testAuthEnv,
  waitFor,
  waitHttpOk,
  type IsolatedEnv,
} from '@offerstream/testing';
import { GREEDY_SERVICE_ENV, OFFERS_PAY, publishCatalog, publishProfitModel } from './decision-service.test-fixture';

const RULES = join(__dirname, '..', '..', '..', 'deploy', 'prometheus', 'offerstream-alerts.yaml');

/** Debian's prometheus package (`bash scripts/stack.sh ensure-test-tools` installs it with promtool). */
function prometheusUnavailable(): string | undefined {
  const r = spawnSync('prometheus', ['--version'], { encoding: 'utf8' });
  if (r.error) return 'the prometheus binary is not installed (bash scripts/stack.sh ensure-test-tools)';
  return r.status === 0 ? undefined : `prometheus --version exited with ${r.status}`;
}

interface RuleState {
  name: string;
  health: string;
  lastError?: string;
  type: string;
}
interface AlertState {
  labels: Record<string, string>;
  state: 'pending' | 'firing';
}

const unavailable = prometheusUnavailable();
if (unavailable) console.warn(`prometheus alert suite skipped: ${unavailable}`);
const suite = unavailable ? describe.skip : describe;

/**
 * The alert rules as shipped (deploy/prometheus/offerstream-alerts.yaml, unmodified) loaded into a real Prometheus
 * that scrapes a real decision service every second with a `metrics` key, as deploy/README.md tells operators to:
 * every rule evaluates without error against the series the service really exports, and the budget alert's
 * expression turns true from real decisions spending a campaign's budget (pending: its `for` is 15 minutes).
 */
suite('the alert rules in a real Prometheus scraping a real decision service', () => {
  let ctx: IsolatedEnv;
  let service: ServiceProcess;
  let prometheus: ChildProcess | undefined;
  let dir: string;
  let servicePort: number;
  let api: string;
  let prometheusLog = '';
  const campaign = `burn-${randomUUID().slice(0, 8)}`;

  const query = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${api}${path}`);
    const body = (await res.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`prometheus ${path}: ${body.error ?? res.status}`);
    return body.data;
  };
  const burningAlerts = async (): Promise<AlertState[]> =>
    (await query<{ alerts: AlertState[] }>('/api/v1/alerts')).alerts.filter((a) => a.labels['campaign'] === campaign);

  beforeAll(async () => {
    ctx = await isolatedEnv({ ...GREEDY_SERVICE_ENV, ...testAuthEnv(), JOBS_ENABLED: 'false' });
    await publishProfitModel(ctx.redis, OFFERS_PAY);
    await publishCatalog(ctx.redis, [{ itemId: 'sku-1', price: 100 }]);
    servicePort = await freePort();
    service = ServiceProcess.start('decision-service', { ...ctx.env, PORT: String(servicePort) });
    await waitHttpOk(`http://127.0.0.1:${servicePort}/health/ready`, 120_000).catch((e: unknown) => {
      throw new Error(`${String(e)}\n${service.tail()}`);
    });
    const created = await authFetch(`http://127.0.0.1:${servicePort}/campaigns`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: campaign,
        name: campaign,
        budget: { spend: 1_000, count: 1_000 },
        holdoutShare: 0,
        eligibility: { channels: ['email'] },
        caps: { perUser: 1000, windowHours: 24, cooldownMinutes: 0 },
      }),
    });
    expect(created.status).toBe(201);

    dir = mkdtempSync(join(tmpdir(), 'prometheus-'));
    writeFileSync(join(dir, 'metrics-key'), TEST_KEYS.metrics, { mode: 0o600 });
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        `rule_files: [${JSON.stringify(RULES)}]`,
        'scrape_configs:',
        '  - job_name: decision-service',
        '    metrics_path: /metrics',
        `    authorization: { type: Bearer, credentials_file: ${JSON.stringify(join(dir, 'metrics-key'))} }`,
        `    static_configs: [{ targets: ["127.0.0.1:${servicePort}"] }]`,
        '',
      ].join('\n'),
    );
    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    prometheus = spawn(
      'prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const keep = (b: Buffer): void => {
      prometheusLog = (prometheusLog + b.toString('utf8')).slice(-4000);
    };
    prometheus.stdout?.on('data', keep);
    prometheus.stderr?.on('data', keep);
    await waitHttpOk(`${api}/-/ready`, 60_000).catch((e: unknown) => {
      throw new Error(`${String(e)}\n${prometheusLog}`);
    });
  }, 240_000);

  afterAll(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = new Promise((r) => prometheus?.once('exit', r));
      prometheus.kill('SIGTERM');
      await exited;
    }
    await service?.stop('SIGKILL');
    await ctx?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('scrapes the service with a metrics key and evaluates every rule without error', async () => {
    const target = await waitFor(
      async () => {
        const { activeTargets } = await query<{ activeTargets: { health: string; lastError: string }[] }>(
          '/api/v1/targets',
        );
        return activeTargets.find((t) => t.health === 'up');
      },
      { timeoutMs: 30_000, what: 'prometheus to scrape the decision service' },
    );
    expect(target.lastError).toBe('');
    const shipped = (parse(readFileSync(RULES, 'utf8')) as { groups: { rules: unknown[] }[] }).groups.flatMap(
      (g) => g.rules,
    ).length;
    const rules = await waitFor(
      async () => {
        const { groups } = await query<{ groups: { rules: RuleState[] }[] }>('/api/v1/rules');
        const all = groups.flatMap((g) => g.rules);
        // A rule's health stays "unknown" until its group has evaluated once.
        return all.length > 0 && all.every((r) => r.health !== 'unknown') ? all : undefined;
      },
      { timeoutMs: 30_000, what: 'every rule group to be evaluated' },
    );
    expect(rules.length).toBe(shipped);
    expect(rules.filter((r) => r.health !== 'ok').map((r) => `${r.name}: ${r.lastError ?? r.health}`)).toEqual([]);
  });

  it('sees OfferStreamBudgetExhaustedSoon turn true once decisions spend the budget, not while it is flat', async () => {
    // Spend flat at zero for a few evaluations: the campaign's series are there, the alert is not.
    await waitFor(
      async () => {
        const { result } = await query<{ result: unknown[] }>(
          `/api/v1/query?query=${encodeURIComponent(`count_over_time(offerstream_campaign_budget_spend{campaign="${campaign}"}[1m])`)}`,
        );
        const n = Number((result[0] as { value?: [number, string] } | undefined)?.value?.[1] ?? 0);
        return n >= 3 || undefined;
      },
      { timeoutMs: 30_000, what: 'three scrapes of the campaign spend' },
    );
    expect(await burningAlerts()).toEqual([]);

    for (let i = 0; i < 4; i++) {
      const res = await authFetch(`http://127.0.0.1:${servicePort}/decisions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          requestId: randomUUID(),
          userId: `burner-${randomUUID()}`,
          channel: 'email',
          placement: 'home',
          items: [{ itemId: 'sku-1', price: 100 }],
        }),
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { kind: string }).kind).toBe('offer');
    }
    const alerts = await waitFor(
      async () => {
        const found = await burningAlerts();
        return found.length > 0 ? found : undefined;
      },
      { timeoutMs: 30_000, what: 'OfferStreamBudgetExhaustedSoon for the campaign' },
    );
    const seen = alerts.map((a) => ({ state: a.state, name: a.labels['alertname'], severity: a.labels['severity'] }));
    expect(seen).toEqual([{ state: 'pending', name: 'OfferStreamBudgetExhaustedSoon', severity: 'info' }]);
  });
});
