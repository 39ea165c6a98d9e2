import { Agent, request } from 'node:http';

/*
 * What the decision bench measures a running service with: latency percentiles, keep-alive HTTP, the service's own
 * CPU seconds and GC pauses from its Prometheus endpoint, and an open-loop request generator.
 */

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] as number;
}

export const round = (x: number): number => Math.round(x * 100) / 100;
export const summary = (v: number[]) => ({
  n: v.length,
  p50: round(percentile(v, 50)),
  p95: round(percentile(v, 95)),
  p99: round(percentile(v, 99)),
  max: round(Math.max(...v)),
});

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/** Closes the keep-alive sockets `http` holds, so the bench process can exit. */
export function closeHttp(): void {
  agent.destroy();
}

export function http(
  port: number,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent,
        headers: data ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

/** CPU seconds the service process has used so far (from its Prometheus endpoint). */
export async function serviceCpuSeconds(port: number): Promise<number> {
  const { text } = await http(port, 'GET', '/metrics');
  const m = /^process_cpu_seconds_total(?:\{[^}]*\})? ([0-9.e+-]+)$/m.exec(text);
  return m?.[1] ? Number(m[1]) : NaN;
}

export interface GcFigures {
  [kind: string]: { count: number; total_ms: number };
}

/** The service's own GC pauses so far, by kind (prom-client's nodejs_gc_duration_seconds). */
export async function serviceGc(port: number): Promise<GcFigures> {
  const { text } = await http(port, 'GET', '/metrics');
  const out: GcFigures = {};
  for (const m of text.matchAll(/^nodejs_gc_duration_seconds_(sum|count)\{[^}]*kind="(\w+)"[^}]*\} ([0-9.e+-]+)$/gm)) {
    const [, what, kind, v] = m;
    if (kind === undefined || v === undefined) continue;
    const f = (out[kind] ??= { count: 0, total_ms: 0 });
    if (what === 'sum') f.total_ms = Number(v) * 1000;
    else f.count = Number(v);
  }
  return out;
}

export function diffGc(before: GcFigures, after: GcFigures): GcFigures {
  const out: GcFigures = {};
  for (const [kind, a] of Object.entries(after)) {
    const b = before[kind] ?? { count: 0, total_ms: 0 };
    out[kind] = { count: a.count - b.count, total_ms: round(a.total_ms - b.total_ms) };
  }
  return out;
}

/** Fires `make()` at `rate` per second for `seconds`, not waiting for answers (open loop). */
export async function openLoop(rate: number, seconds: number, make: () => Promise<void>): Promise<void> {
  const total = Math.round(rate * seconds);
  const start = performance.now();
  const inflight: Promise<void>[] = [];
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
    while (sent < due) {
      inflight.push(make());
      sent++;
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(inflight);
}
