import fc from 'fast-check';
import type { KafkaMessage } from 'kafkajs';
import { decodeEvent, dlqTopicName, TOPICS } from '@offerstream/contracts';
import { fuzzParams } from '@offerstream/core';
import { mutatedEventBytes, validClickstreamEvent } from '@offerstream/contracts/testing';
import { failureKind } from './consumer-failure';
import { DLQ_HEADERS, toDeadLetterMessage } from './dead-letter';

/**
 * The batch consumer sends every message decodeEvent refuses straight to the dead letters (see onBatch): this checks,
 * over fuzzed input, that such a refusal is classified as the consumer's failure policy expects (fatal: never retried,
 * never a crash loop) and that its dead letter keeps the original bytes and says why.
 */
describe('dead letters of undecodable events', () => {
  it('classifies every decode refusal as fatal and dead-letters the original bytes with its reason', () => {
    const message = fc.record({
      key: fc.option(
        fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
        { nil: null },
      ),
      value: mutatedEventBytes(validClickstreamEvent),
      offset: fc.bigInt({ min: 0n, max: 2n ** 62n }).map(String),
      partition: fc.nat(63),
    });
    fc.assert(
      fc.property(message, ({ key, value, offset, partition }) => {
        const decoded = decodeEvent(TOPICS.clickstream, value);
        if (decoded.ok) return;
        expect(failureKind(decoded.error)).toBe('fatal');
        const source: KafkaMessage = { key, value, offset, timestamp: '0', attributes: 0, headers: {} };
        const dlq = toDeadLetterMessage(
          { sourceTopic: TOPICS.clickstream.name, partition, message: source, error: decoded.error },
          'g',
        );
        expect(dlq.topic).toBe(dlqTopicName(TOPICS.clickstream.name));
        expect(dlq.message.value).toBe(value);
        expect(dlq.message.key).toBe(key);
        const headers = dlq.message.headers ?? {};
        expect(headers[DLQ_HEADERS.code]).toBe('VALIDATION_FAILED');
        expect(headers[DLQ_HEADERS.reason]).toBe(decoded.error.message.slice(0, 2000));
        expect(headers[DLQ_HEADERS.sourceOffset]).toBe(offset);
        expect(headers[DLQ_HEADERS.sourcePartition]).toBe(String(partition));
      }),
      fuzzParams(300),
    );
  });
});
