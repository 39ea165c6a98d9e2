import type { z } from 'zod';
import { ValidationError } from '@offerstream/core';
import type { TopicSpec } from './topics';

/** Larger messages are refused before parsing so one bad producer cannot stall a consumer. */
export const MAX_EVENT_BYTES = 256 * 1024;

export type DecodeResult<T> = { ok: true; event: T } | { ok: false; error: ValidationError };

/** Decodes and validates one message value; never throws, so consumers can dead-letter and move on. */
export function decodeEvent<S extends z.ZodType>(
  topic: Pick<TopicSpec<S>, 'name' | 'schema'>,
  value: Buffer | null,
): DecodeResult<z.infer<S>> {
  if (value === null || value.length === 0) return fail('EMPTY', 'message has no value', topic.name);
  if (value.length > MAX_EVENT_BYTES) {
    return fail('OVERSIZE', `message is ${value.length} bytes, over the ${MAX_EVENT_BYTES} byte limit`, topic.name);
  }
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch (e) {
    return fail('NOT_JSON', `not JSON: ${e instanceof Error ? e.message : String(e)}`, topic.name);
  }
  const parsed = topic.schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    return fail('SCHEMA', `schema violation: ${issues}`, topic.name);
  }
  return { ok: true, event: parsed.data };
}

/** Validates before encoding so nothing invalid is ever produced by our own services. */
export function encodeEvent<S extends z.ZodType>(
  topic: Pick<TopicSpec<S>, 'name' | 'schema'>,
  event: z.input<S>,
): Buffer {
  const parsed = topic.schema.safeParse(event);
  if (!parsed.success) {
    throw new ValidationError(
      `refusing to produce an invalid event to ${topic.name}: ${parsed.error.issues[0]?.message ?? ''}`,
      {
        topic: topic.name,
      },
    );
  }
  return Buffer.from(JSON.stringify(parsed.data));
}

function fail<T>(kind: string, message: string, topic: string): DecodeResult<T> {
  return { ok: false, error: new ValidationError(message, { kind, topic }) };
}
