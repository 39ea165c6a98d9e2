import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
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
  if (env['OTEL_SDK_DISABLED']?.trim().toLowerCase() === 'true') return [];
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
 * OpenTelemetry tracing configured by the standard OTEL_* variables (the OTLP exporter reads its endpoint, headers
 * and timeout itself; the sampler follows OTEL_TRACES_SAMPLER). Returns undefined, registering nothing, when no
 * exporter is configured. W3C trace context is the propagator; libs/kafka is switched on with the same tracer.
 */
export function startTracing(opts: TracingOptions): Tracing | undefined {
  const env = opts.env ?? process.env;
  const processors: SpanProcessor[] = opts.exporter
    ? [new SimpleSpanProcessor(opts.exporter)]
    : tracesExporters(env).map((kind) =>
        kind === 'otlp'
          ? new BatchSpanProcessor(new OTLPTraceExporter())
          : new SimpleSpanProcessor(new ConsoleSpanExporter()),
      );
  if (processors.length === 0) return undefined;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: env['OTEL_SERVICE_NAME'] || opts.serviceName }),
    spanProcessors: processors,
  });
  // Registers the AsyncLocalStorage context manager and the W3C trace-context and baggage propagators.
  provider.register();
  const tracer = trace.getTracer('offerstream');
  current = tracer;
  enableKafkaTracing(tracer);
  return {
    tracer,
    shutdown: async () => {
      if (current === tracer) {
        current = undefined;
        enableKafkaTracing(undefined);
      }
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}
