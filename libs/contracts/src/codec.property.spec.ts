import fc from 'fast-check';
import type { z } from 'zod';
import { fuzzParams, ValidationError } from '@offerstream/core';
import { mutatedEventBytes, validCatalogEvent, validClickstreamEvent } from './testing/event-arbitraries';
import { decodeEvent, encodeEvent, type DecodeResult } from './codec';
import { TOPICS, type TopicSpec } from './topics';

type AnyTopic = Pick<TopicSpec<z.ZodType>, 'name' | 'schema'>;

/** The four reasons the decoder gives; the batch consumer dead-letters each of them at once (never retries). */
const REJECTION_KINDS = ['EMPTY', 'OVERSIZE', 'NOT_JSON', 'SCHEMA'];

/** What every rejection must look like for the DLQ: a ValidationError, not retriable, with a kind and a reason. */
function expectDlqReady(r: DecodeResult<unknown>): void {
  if (r.ok) return;
  expect(r.error).toBeInstanceOf(ValidationError);
  expect(r.error.code).toBe('VALIDATION_FAILED');
  expect(r.error.retriable).toBe(false);
  expect(REJECTION_KINDS).toContain(r.error.context.kind);
  expect(r.error.message.length).toBeGreaterThan(0);
}

/** Decoding never throws, so a consumer can always dead-letter and move on. */
function safeDecode(topic: AnyTopic, value: Buffer | null): DecodeResult<unknown> {
  let r: DecodeResult<unknown> | undefined;
  expect(() => {
    r = decodeEvent(topic, value);
  }).not.toThrow();
  return r!;
}

/** An accepted event survives our own encoder and decodes to itself. */
function expectRoundTrip(topic: AnyTopic, r: DecodeResult<unknown>): void {
  if (!r.ok) return;
  const again = decodeEvent(topic, encodeEvent(topic, r.event as never));
  expect(again).toEqual({ ok: true, event: r.event });
}

describe('event decoder under fuzzing', () => {
  it('accepts every valid clickstream event and decodes it to exactly what was sent', () => {
    fc.assert(
      fc.property(validClickstreamEvent, (e) => {
        const r = decodeEvent(TOPICS.clickstream, Buffer.from(JSON.stringify(e)));
        expect(r).toEqual({ ok: true, event: e });
        expectRoundTrip(TOPICS.clickstream, r);
      }),
      fuzzParams(300),
    );
  });

  it('accepts every valid catalog event and decodes it to exactly what was sent', () => {
    fc.assert(
      fc.property(validCatalogEvent, (e) => {
        const r = decodeEvent(TOPICS.catalog, Buffer.from(JSON.stringify(e)));
        expect(r).toEqual({ ok: true, event: e });
        expectRoundTrip(TOPICS.catalog, r);
      }),
      fuzzParams(300),
    );
  });

  it('never throws on a mutated clickstream event: it accepts and round-trips it, or rejects it with a DLQ reason', () => {
    fc.assert(
      fc.property(mutatedEventBytes(validClickstreamEvent), (bytes) => {
        const r = safeDecode(TOPICS.clickstream, bytes);
        expectDlqReady(r);
        expectRoundTrip(TOPICS.clickstream, r);
      }),
      fuzzParams(400),
    );
  });

  it('never throws on a mutated catalog event: it accepts and round-trips it, or rejects it with a DLQ reason', () => {
    fc.assert(
      fc.property(mutatedEventBytes(validCatalogEvent), (bytes) => {
        const r = safeDecode(TOPICS.catalog, bytes);
        expectDlqReady(r);
        expectRoundTrip(TOPICS.catalog, r);
      }),
      fuzzParams(400),
    );
  });

  it('rejects arbitrary JSON and bytes on every topic with a DLQ reason and never throws', () => {
    const topics = Object.values(TOPICS);
    const value = fc.oneof(
      fc.constant(null),
      fc.uint8Array({ maxLength: 256 }).map((a) => Buffer.from(a)),
      fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v))),
      fc.object().map((v) => Buffer.from(JSON.stringify(v) ?? '')),
    );
    fc.assert(
      fc.property(fc.constantFrom(...topics), value, (topic, bytes) => {
        const r = safeDecode(topic, bytes);
        expectDlqReady(r);
        expectRoundTrip(topic, r);
      }),
      fuzzParams(400),
    );
  });
});
