import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { collectDefaultMetrics, Registry } from 'prom-client';

const ROOT = join(__dirname, '..', '..');
const SERIES_SUFFIXES: Readonly<Record<string, readonly string[]>> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['_sum', '_count'],
};

/** Production sources of apps and libs (no tests, no test fixtures). */
function productionSources(): { path: string; text: string }[] {
  return ['apps', 'libs'].flatMap((top) =>
    readdirSync(join(ROOT, top), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !/\.(int-)?spec\.ts$|test-fixture\.ts$|[\\/]testing[\\/]/.test(f))
      .filter((f) => !f.includes('node_modules'))
      .map((f) => ({ path: join(top, f), text: readFileSync(join(ROOT, top, f), 'utf8') })),
  );
}

/**
 * Every series name the services can expose: the `offerstream_*` metrics declared in the sources (a histogram's
 * `_bucket`, `_sum` and `_count` included) and prom-client's default process and Node.js metrics, which every
 * service collects. Read from the code, so a dashboard or an alert on a renamed metric fails a test, not silently.
 */
export async function exportedSeriesNames(): Promise<Set<string>> {
  const names = new Set<string>();
  for (const { text } of productionSources()) {
    // Every `offerstream_*` string is a metric name (the prefix is used for nothing else), however it reaches
    // prom-client; histograms are found where they are constructed, to allow their series suffixes.
    for (const m of text.matchAll(/'(offerstream_[a-z0-9_]+)'/g)) names.add(m[1] ?? '');
    const constants = new Map(
      [...text.matchAll(/const\s+([A-Z_][A-Z0-9_]*)\s*=\s*'(offerstream_[a-z0-9_]+)'/g)].map((m) => [m[1], m[2]]),
    );
    for (const m of text.matchAll(/new\s+Histogram(?:<[^>]*>)?\(\{\s*name:\s*(?:'([a-z0-9_]+)'|([A-Z_][A-Z0-9_]*))/g)) {
      const name = m[1] ?? constants.get(m[2] ?? '');
      for (const suffix of SERIES_SUFFIXES['histogram'] ?? []) if (name !== undefined) names.add(name + suffix);
    }
  }
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  for (const m of await registry.getMetricsAsJSON()) {
    names.add(m.name);
    for (const suffix of SERIES_SUFFIXES[m.type] ?? []) names.add(m.name + suffix);
  }
  return names;
}

/** Metric names a PromQL expression reads: identifiers that are not functions, keywords or label names. */
export function metricNamesIn(expr: string): string[] {
  const withoutStrings = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const withoutLabels = withoutStrings.replace(/\{[^}]*\}/g, '{}');
  // Grouping clauses list label names, not metrics.
  const withoutGrouping = withoutLabels.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  const names = new Set<string>();
  for (const m of withoutGrouping.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()/g)) {
    const word = m[1] ?? '';
    if (/^(and|or|unless|offset|bool|by|without|on|ignoring|inf|nan|le)$/i.test(word)) continue;
    // Range selectors and durations ([5m], [$__rate_interval]) and Grafana variables are not metrics.
    const before = withoutGrouping.slice(Math.max(0, (m.index ?? 0) - 2), m.index ?? 0);
    if (before.endsWith('$') || before.endsWith('$__') || /\d$/.test(before)) continue;
    names.add(word);
  }
  return [...names];
}
