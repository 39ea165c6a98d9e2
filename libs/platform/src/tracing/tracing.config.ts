import { z } from 'zod';
import { ConfigError, envField, loadEnvConfig } from '@offerstream/core';

const SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;

/**
 * The standard OpenTelemetry variables every service honours, validated at boot like any other setting (a typo in
 * the sampler or a relative endpoint stops the service naming the variable instead of silently exporting nothing).
 * Ours: the exporter choice, the service name and the resource attributes; the others are read by the SDK itself
 * (the OTLP exporter: endpoint and timeout; the tracer provider: the sampler; the batch processor: OTEL_BSP_*).
 * The OTLP headers, certificates and compression are honoured by the exporter too but not checked here.
 */
export function loadTracingConfig(env: NodeJS.ProcessEnv = process.env) {
  const config = loadEnvConfig(
    {
      OTEL_SDK_DISABLED: envField.bool(false),
      OTEL_TRACES_EXPORTER: z.string().optional(),
      OTEL_SERVICE_NAME: z.string().optional(),
      OTEL_RESOURCE_ATTRIBUTES: z.string().optional(),
      OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
      OTEL_EXPORTER_OTLP_TIMEOUT: z.coerce.number().int().min(1).optional(),
      OTEL_TRACES_SAMPLER: z.enum(SAMPLERS).optional(),
      OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).optional(),
      OTEL_BSP_SCHEDULE_DELAY: z.coerce.number().int().min(0).optional(),
      OTEL_BSP_EXPORT_TIMEOUT: z.coerce.number().int().min(1).optional(),
      OTEL_BSP_MAX_QUEUE_SIZE: z.coerce.number().int().min(1).optional(),
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: z.coerce.number().int().min(1).optional(),
    },
    env,
  );
  return { ...config, resourceAttributes: resourceAttributes(config.OTEL_RESOURCE_ATTRIBUTES) };
}

export type TracingConfig = ReturnType<typeof loadTracingConfig>;

/**
 * `OTEL_RESOURCE_ATTRIBUTES` as the specification writes it: `key=value` pairs separated by commas, `,` `=` and `%`
 * percent-encoded inside keys and values. A malformed list is refused (the SDK's own detector drops it silently).
 */
export function resourceAttributes(raw: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (raw ?? '').split(',')) {
    if (pair.trim() === '') continue;
    const parts = pair.split('=');
    const key = parts[0]?.trim() ?? '';
    if (parts.length !== 2 || key === '')
      throw new ConfigError('OTEL_RESOURCE_ATTRIBUTES', `"${pair}" is not key=value (percent-encode "," and "=")`);
    try {
      out[decodeURIComponent(key)] = decodeURIComponent(parts[1]?.trim() ?? '');
    } catch {
      throw new ConfigError('OTEL_RESOURCE_ATTRIBUTES', `"${pair}" has a bad percent-encoding`);
    }
  }
  return out;
}
