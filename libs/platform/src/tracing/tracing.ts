import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  NodeTracerProvider,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { ConfigError } from '@offerstream/core';
import { enableKafkaTracing } from '@offerstream/kafka';
import { loadTracingConfig } from './tracing.config';

export interface TracingOptions {
  /** `service.name` unless OTEL_SERVICE_NAME says otherwise. */
  serviceName: string;
  env?: NodeJS.ProcessEnv;
  /** Tests: spans go here, synchronously, whatever the environment says. */
  exporter?: SpanExporter;
}

export interface Tracing {
  readonly tracer: Tracer;
  /** Flushes the spans still queued and unregisters the SDK. */
  shutdown(): Promise<void>;
}

let current: Tracer | undefined;

/** The service's tracer, or undefined when tracing is off: one check, so the hot paths do no span work by default. */
export function serviceTracer(): Tracer | undefined {
  return current;
}

const EXPORTERS = ['otlp', 'console', 'none'] as const;

/** The exporters named by the standard variables; none unless an exporter or an OTLP endpoint is configured. */
export function tracesExporters(env: NodeJS.ProcessEnv): ('otlp' | 'console')[] {
  if (loadTracingConfig(env).OTEL_SDK_DISABLED) return [];
  const named = (env['OTEL_TRACES_EXPORTER'] ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
  for (const n of named)
    if (!(EXPORTERS as readonly string[]).includes(n))
      throw new ConfigError('OTEL_TRACES_EXPORTER', `unsupported exporter "${n}" (use otlp, console or none)`);
  if (named.length === 0)
    return env['OTEL_EXPORTER_OTLP_ENDPOINT'] || env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] ? ['otlp'] : [];
  return named.includes('none') ? [] : (named as ('otlp' | 'console')[]);
}

/**
 * What a Redis span says about its command: the name, the script's SHA for EVALSHA, and how many arguments, never
 * the keys or values themselves (keys carry user pseudonyms, values profiles, prices and budgets), so traces hold
 * no more about a user than the logs do.
 */
export function redisStatement(command: string, args: readonly unknown[]): string {
  const sha = /^evalsha$/i.test(command) && typeof args[0] === 'string' ? ` ${args[0]}` : '';
  return `${command}${sha}${args.length > 0 ? ` [${args.length} args]` : ''}`;
}

/**
 * Redis spans from the maintained ioredis instrumentation: one CLIENT span per command (pipelines and Lua scripts
 * included, on single nodes and Cluster alike), only inside a span we started (a decision, a consumed batch, an HTTP
 * request), so health checks and background polling record nothing.
 */
function instrumentRedis(provider: NodeTracerProvider): IORedisInstrumentation {
  const instrumentation = new IORedisInstrumentation({
    enabled: false,
    requireParentSpan: true,
    dbStatementSerializer: redisStatement,
  });
  instrumentation.setTracerProvider(provider);
  instrumentation.enable();
  // ioredis was loaded before tracing started (every module imports it): requiring it again lets the hook patch
  // the client classes' prototypes in place, which every client, existing or future, shares.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('ioredis');
  return instrumentation;
}

/**
 * OpenTelemetry tracing configured by the standard OTEL_* variables (libs/platform `loadTracingConfig` validates
 * them; the OTLP exporter reads its endpoint, headers and timeout itself; the sampler follows OTEL_TRACES_SAMPLER).
 * Returns undefined, registering nothing, when no exporter is configured. W3C trace context is the propagator;
 * libs/kafka is switched on with the same tracer and ioredis is instrumented.
 */
export function startTracing(opts: TracingOptions): Tracing | undefined {
  const env = opts.env ?? process.env;
  const config = loadTracingConfig(env);
  const processors: SpanProcessor[] = opts.exporter
    ? [new SimpleSpanProcessor(opts.exporter)]
    : tracesExporters(env).map((kind) =>
        kind === 'otlp'
          ? new BatchSpanProcessor(new OTLPTraceExporter())
          : new SimpleSpanProcessor(new ConsoleSpanExporter()),
      );
  if (processors.length === 0) return undefined;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      ...config.resourceAttributes,
      [ATTR_SERVICE_NAME]: config.OTEL_SERVICE_NAME ?? config.resourceAttributes[ATTR_SERVICE_NAME] ?? opts.serviceName,
    }),
    spanProcessors: processors,
  });
  // Registers the AsyncLocalStorage context manager and the W3C trace-context and baggage propagators.
  provider.register();
  const tracer = trace.getTracer('offerstream');
  current = tracer;
  enableKafkaTracing(tracer);
  const redis = instrumentRedis(provider);
  return {
    tracer,
    shutdown: async () => {
      if (current === tracer) {
        current = undefined;
        enableKafkaTracing(undefined);
      }
      redis.disable();
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}
