import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { Histogram, type Registry } from 'prom-client';
import { METRICS_REGISTRY } from '../platform.tokens';
import { serviceTracer } from '../tracing/tracing';

/** The slices of express' request/response the middleware reads (no @types/express in the workspace). */
interface MeteredRequest {
  method: string;
  /** Set by express once a route matched; its `path` is the template (`/users/:id/profile`), not the raw URL. */
  route?: { path?: unknown };
  headers: Record<string, string | string[] | undefined>;
}
interface MeteredResponse {
  statusCode: number;
  once(event: 'finish' | 'close', listener: () => void): unknown;
}

/** Requests that matched no route share one label, so scanners probing random paths cannot grow the series. */
export const UNMATCHED_ROUTE = 'unmatched';

export const HTTP_REQUEST_SECONDS = 'offerstream_http_request_duration_seconds';

const cache = new WeakMap<Registry, Histogram<'method' | 'route' | 'status'>>();

/** One histogram per registry: its `_count` is the request rate, `status` the errors, its buckets the latency. */
export function httpRequestSeconds(registry: Registry): Histogram<'method' | 'route' | 'status'> {
  const existing = cache.get(registry);
  if (existing) return existing;
  const histogram = new Histogram({
    name: HTTP_REQUEST_SECONDS,
    help: 'HTTP requests by method, route template and status code, from arrival to the last byte written',
    labelNames: ['method', 'route', 'status'],
    // The decision API's bar is a p99 of 15 ms, so the low buckets are fine; reports and model reads take longer.
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  cache.set(registry, histogram);
  return histogram;
}

/**
 * Rate, errors and latency of every HTTP request of a service, labelled by the route template. Middleware rather
 * than an interceptor so that requests refused before a handler runs (401/403/429 from the guard, 413 from the body
 * parser, 404) are counted too.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware<MeteredRequest, MeteredResponse> {
  private readonly seconds: Histogram<'method' | 'route' | 'status'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.seconds = httpRequestSeconds(registry);
  }

  use(req: MeteredRequest, res: MeteredResponse, next: () => void): void {
    const startedNs = process.hrtime.bigint();
    // Nest mounts this middleware as a catch-all route, so express has already set req.route to that catch-all:
    // only a route set after it (a handler's) names the request.
    const ownMount = req.route;
    let observed = false;
    // A server span per request when tracing is on, the child of the caller's traceparent if it sent one; the handler
    // runs inside it, so what it produces to Kafka carries this trace on.
    const tracer = serviceTracer();
    const parent = tracer ? propagation.extract(ROOT_CONTEXT, req.headers) : undefined;
    const span = tracer?.startSpan(
      req.method,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method } },
      parent,
    );
    const observe = (finished: boolean): void => {
      if (observed) return;
      observed = true;
      const matched = req.route !== ownMount ? req.route?.path : undefined;
      const route = typeof matched === 'string' ? matched : UNMATCHED_ROUTE;
      // A client that hangs up before the response is written is recorded as 499 (as nginx does), not the preset 200.
      const status = finished ? String(res.statusCode) : '499';
      this.seconds.observe({ method: req.method, route, status }, Number(process.hrtime.bigint() - startedNs) / 1e9);
      if (span) endServerSpan(span, req.method, route, finished ? res.statusCode : 499);
    };
    res.once('finish', () => observe(true));
    res.once('close', () => observe(false));
    if (span && parent) context.with(trace.setSpan(parent, span), next);
    else next();
  }
}

function endServerSpan(span: Span, method: string, route: string, status: number): void {
  span.updateName(`${method} ${route}`);
  span.setAttribute('http.route', route);
  span.setAttribute('http.response.status_code', status);
  if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}
