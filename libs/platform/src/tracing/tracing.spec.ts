import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import { kafkaTracingEnabled, withTraceHeaders } from '@offerstream/kafka';
import { redisStatement, serviceTracer, startTracing, tracesExporters } from './tracing';
import { loadTracingConfig, resourceAttributes } from './tracing.config';

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

describe('the OTEL_* settings the services validate', () => {
  it('parses the resource attributes as the specification writes them, percent-decoded', () => {
    expect(
      loadTracingConfig({ OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=prod, service.namespace=a%2Cb' })
        .resourceAttributes,
    ).toEqual({ 'deployment.environment.name': 'prod', 'service.namespace': 'a,b' });
    expect(resourceAttributes(undefined)).toEqual({});
  });

  it.each([
    ['OTEL_RESOURCE_ATTRIBUTES', 'k8s.namespace.name'],
    ['OTEL_RESOURCE_ATTRIBUTES', 'a=b=c'],
    ['OTEL_TRACES_SAMPLER', 'sometimes'],
    ['OTEL_TRACES_SAMPLER_ARG', '1.5'],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'collector:4318'],
    ['OTEL_BSP_SCHEDULE_DELAY', 'soon'],
    ['OTEL_SDK_DISABLED', 'maybe'],
  ])('refuses %s=%s at boot, naming the variable', (name, value) => {
    expect(() => startTracing({ serviceName: 'unit', env: { [name]: value } })).toThrow(name);
  });

  it('names the service by OTEL_SERVICE_NAME over the resource attributes over the code, and keeps the rest', async () => {
    const spanOf = async (env: NodeJS.ProcessEnv) => {
      const memory = new InMemorySpanExporter();
      const tracing = startTracing({ serviceName: 'code', env, exporter: memory });
      tracing?.tracer.startSpan('s').end();
      // Read before shutdown: shutting the exporter down empties it.
      const attributes = memory.getFinishedSpans()[0]?.resource.attributes;
      await tracing?.shutdown();
      return attributes;
    };
    expect(await spanOf({})).toMatchObject({ 'service.name': 'code' });
    expect(
      await spanOf({ OTEL_RESOURCE_ATTRIBUTES: 'service.name=attr,deployment.environment.name=dev' }),
    ).toMatchObject({ 'service.name': 'attr', 'deployment.environment.name': 'dev' });
    expect(await spanOf({ OTEL_SERVICE_NAME: 'env', OTEL_RESOURCE_ATTRIBUTES: 'service.name=attr' })).toMatchObject({
      'service.name': 'env',
    });
  });

  it('describes a Redis command without its keys or values', () => {
    expect(redisStatement('hset', ['os:{u:p-1}:profile', 'cart', '{"items":[]}'])).toBe('hset [3 args]');
    expect(redisStatement('evalsha', ['9f1c', 2, 'os:k1', 'os:k2', '120'])).toBe('evalsha 9f1c [5 args]');
    expect(redisStatement('ping', [])).toBe('ping');
  });
});
