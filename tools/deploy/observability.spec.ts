import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { exportedSeriesNames, metricNamesIn } from './exported-metrics';

const ROOT = join(__dirname, '..', '..');
const RULES_DIR = join(ROOT, 'deploy', 'prometheus');
const RULES = join(RULES_DIR, 'offerstream-alerts.yaml');
const DASHBOARD = join(ROOT, 'deploy', 'grafana', 'offerstream-operations.json');

interface RuleFile {
  groups: { name: string; rules: { alert?: string; expr: string }[] }[];
}
interface Panel {
  title: string;
  type: string;
  targets?: { expr: string }[];
}

const alertRules = (): { alert?: string; expr: string }[] =>
  (parse(readFileSync(RULES, 'utf8')) as RuleFile).groups.flatMap((g) => g.rules);
const dashboard = (): { panels: Panel[]; templating: { list: { query?: unknown }[] } } =>
  JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Panel[]; templating: { list: { query?: unknown }[] } };

/**
 * promtool from Debian's prometheus package; `bash scripts/stack.sh ensure-test-tools` (run by npm test) installs it.
 */
function promtool(...args: string[]): { status: number | null; output: string } {
  const r = spawnSync('promtool', args, { cwd: RULES_DIR, encoding: 'utf8' });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT')
    throw new Error(
      'promtool is not installed: run `bash scripts/stack.sh ensure-test-tools` (apt-get install prometheus)',
    );
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('alert rules', () => {
  it('pass promtool check rules', () => {
    const r = promtool('check', 'rules', 'offerstream-alerts.yaml');
    expect(r.output).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });

  it("pass promtool's unit tests, where each alert fires on its case and not on the healthy one beside it", () => {
    const r = promtool('test', 'rules', 'offerstream-alerts.test.yaml');
    expect(r.output).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });

  it('cover consumer lag, dead letters, model age, budget burn, decision errors and p99 latency', () => {
    const exprs = alertRules().map((r) => r.expr);
    const reads = (metric: string): boolean => exprs.some((e) => metricNamesIn(e).includes(metric));
    expect(reads('offerstream_consumer_lag_messages')).toBe(true);
    expect(exprs.some((e) => e.includes('result="dead_lettered"'))).toBe(true);
    expect(reads('offerstream_gnn_model_age_seconds')).toBe(true);
    expect(reads('offerstream_profit_model_age_seconds')).toBe(true);
    expect(reads('offerstream_campaign_budget_spend')).toBe(true);
    expect(reads('offerstream_decision_errors_total')).toBe(true);
    expect(exprs.some((e) => e.includes('histogram_quantile(0.99'))).toBe(true);
  });

  it('read only metrics the services export', async () => {
    const exported = await exportedSeriesNames();
    const unknown = alertRules().flatMap((r) =>
      metricNamesIn(r.expr)
        .filter((m) => !exported.has(m))
        .map((m) => `${r.alert ?? '?'}: ${m}`),
    );
    expect(unknown).toEqual([]);
  });
});

describe('the Grafana dashboard', () => {
  it('queries only metrics the services export, in every panel and variable', async () => {
    const exported = await exportedSeriesNames();
    const d = dashboard();
    const exprs = [
      ...d.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ where: p.title, expr: t.expr }))),
      ...d.templating.list.flatMap((v) =>
        typeof v.query === 'object' && v.query !== null && 'query' in v.query
          ? [{ where: 'variable', expr: String(v.query.query) }]
          : [],
      ),
    ];
    expect(exprs.length).toBeGreaterThan(20);
    const unknown = exprs.flatMap(({ where, expr }) =>
      metricNamesIn(expr.replace(/label_values\(([a-z0-9_]+),[^)]*\)/, '$1'))
        .filter((m) => !exported.has(m))
        .map((m) => `${where}: ${m}`),
    );
    expect(unknown).toEqual([]);
  });

  it('shows every metric the alert rules watch', () => {
    const shown = new Set(dashboard().panels.flatMap((p) => (p.targets ?? []).flatMap((t) => metricNamesIn(t.expr))));
    const watched = new Set(alertRules().flatMap((r) => metricNamesIn(r.expr)));
    expect([...watched].filter((m) => !shown.has(m))).toEqual([]);
  });

  it('gives every panel a query and a unique id', () => {
    const panels = dashboard().panels.filter((p) => p.type !== 'row');
    expect(panels.every((p) => (p.targets ?? []).length > 0 && p.targets!.every((t) => t.expr.trim() !== ''))).toBe(
      true,
    );
    const ids = dashboard().panels.map((p) => (p as unknown as { id: number }).id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('exportedSeriesNames', () => {
  it("lists the services' metrics with their histogram series and prom-client's defaults, and nothing made up", async () => {
    const exported = await exportedSeriesNames();
    for (const name of [
      'offerstream_consumer_lag_messages',
      'offerstream_http_request_duration_seconds_bucket',
      'offerstream_decision_seconds_count',
      'process_cpu_seconds_total',
    ])
      expect(exported.has(name)).toBe(true);
    expect(exported.has('offerstream_consumer_lag_messages_bucket')).toBe(false);
    expect(exported.has('offerstream_made_up_total')).toBe(false);
  });
});

describe('metricNamesIn', () => {
  it('finds metric names and skips functions, label names, strings, durations and variables', () => {
    expect(
      metricNamesIn(
        'histogram_quantile(0.99, sum by (service, le) (rate(a_bucket{route="/x", le!="b_c"}[5m]))) > on (x) b_total offset 1h and c[$__rate_interval]',
      ).sort(),
    ).toEqual(['a_bucket', 'b_total', 'c']);
  });
});
