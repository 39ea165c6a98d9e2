import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import { kafkaTracingEnabled, withTraceHeaders } from '@offerstream/kafka';
import { serviceTracer, startTracing, tracesExporters } from './tracing';

describe('tracing configured by the OTEL_* variables', () => {
  it('configures no exporter when nothing is set, and none when the SDK is disabled', () => {
    expect(tracesExporters({})).toEqual([]);
    expect(tracesExporters({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_SDK_DISABLED: 'true' })).toEqual([]);
    expect(tracesExporters({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })).toEqual([]);
  });

  it('exports over OTLP when an exporter or an OTLP endpoint is named', () => {
    expect(tracesExporters({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toEqual(['otlp']);
    expect(tracesExporters({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' })).toEqual(['otlp']);
    expect(tracesExporters({ OTEL_TRACES_EXPORTER: 'OTLP, console' })).toEqual(['otlp', 'console']);
  });

  it('refuses an exporter it cannot build, naming the variable', () => {
    expect(() => tracesExporters({ OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(/OTEL_TRACES_EXPORTER.*zipkin/);
  });

  it('registers nothing without an exporter, so Kafka headers are passed through untouched', () => {
    expect(startTracing({ serviceName: 'unit', env: {} })).toBeUndefined();
    expect(serviceTracer()).toBeUndefined();
    expect(kafkaTracingEnabled()).toBe(false);
    const headers = { 'content-type': 'application/json' };
    expect(withTraceHeaders(headers)).toBe(headers);
  });

  it('injects the active span as a W3C traceparent once on, and stops on shutdown', async () => {
    const tracing = startTracing({ serviceName: 'unit', env: {}, exporter: new InMemorySpanExporter() });
    if (!tracing) throw new Error('tracing did not start with an exporter given');
    const span = tracing.tracer.startSpan('unit');
    const { traceId, spanId } = span.spanContext();
    const headers = withTraceHeaders({}, trace.setSpan(ROOT_CONTEXT, span));
    expect(headers['traceparent']).toBe(`00-${traceId}-${spanId}-01`);
    span.end();
    await tracing.shutdown();
    expect(kafkaTracingEnabled()).toBe(false);
  });
});
