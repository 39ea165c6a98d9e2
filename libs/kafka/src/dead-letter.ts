import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import { dlqTopicName } from '@offerstream/contracts';
import { errorCode, errorMessage } from '@offerstream/core';

export interface DeadLetter {
  sourceTopic: string;
  partition: number;
  message: KafkaMessage;
  error: unknown;
}

/** Header names of a dead letter; documented in docs/contracts.md for the teams that replay them. */
export const DLQ_HEADERS = {
  reason: 'x-dlq-reason',
  code: 'x-dlq-error-code',
  sourceTopic: 'x-dlq-source-topic',
  sourcePartition: 'x-dlq-source-partition',
  sourceOffset: 'x-dlq-source-offset',
  group: 'x-dlq-consumer-group',
  failedAt: 'x-dlq-failed-at',
} as const;

/**
 * A dead letter keeps the original key, headers and bytes untouched, so that it can be replayed to the source
 * topic once the cause is fixed; why it failed travels in extra headers.
 */
export function toDeadLetterMessage(d: DeadLetter, group: string): { topic: string; message: Message } {
  const headers: IHeaders = { ...(d.message.headers ?? {}) };
  headers[DLQ_HEADERS.reason] = errorMessage(d.error).slice(0, 2000);
  headers[DLQ_HEADERS.code] = errorCode(d.error);
  headers[DLQ_HEADERS.sourceTopic] = d.sourceTopic;
  headers[DLQ_HEADERS.sourcePartition] = String(d.partition);
  headers[DLQ_HEADERS.sourceOffset] = d.message.offset;
  headers[DLQ_HEADERS.group] = group;
  headers[DLQ_HEADERS.failedAt] = new Date().toISOString();
  return {
    topic: dlqTopicName(d.sourceTopic),
    message: { key: d.message.key, value: d.message.value, headers, timestamp: d.message.timestamp },
  };
}
