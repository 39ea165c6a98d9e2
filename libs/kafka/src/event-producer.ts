import type { Context } from '@opentelemetry/api';
import { Partitioners, type IHeaders, type Kafka, type Message, type Producer } from 'kafkajs';
import { CompressionTypes } from 'kafkajs';
import type { z } from 'zod';
import { encodeEvent, type TopicSpec } from '@offerstream/contracts';
import { TransientError } from '@offerstream/core';
import { withTraceHeaders } from './kafka-tracing';

export interface OutgoingEvent<S extends z.ZodType> {
  key: string;
  event: z.input<S>;
  headers?: IHeaders;
  /** The trace it continues when tracing is on (default: the active context); its `traceparent` goes in the headers. */
  trace?: Context;
}

export interface TopicBatch {
  readonly topic: string;
  readonly messages: Message[];
}

/**
 * Idempotent producer (acks=all, one in-flight request per broker, broker-side dedup of retries), so that a
 * retried send never writes a message twice. Every event is validated against its topic's schema first.
 */
export class EventProducer {
  private readonly producer: Producer;
  private connected = false;

  constructor(
    kafka: Kafka,
    private readonly topicPrefix = '',
  ) {
    // The default (murmur2, Java-compatible) partitioner, named so: keys land where Java producers put them, and
    // kafkajs stops warning at every boot that its default changed in v2.
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  async connect(): Promise<void> {
    if (this.connected) return;
    await this.producer.connect();
    this.connected = true;
  }

  topicName(spec: Pick<TopicSpec, 'name'>): string {
    return this.topicPrefix + spec.name;
  }

  async send<S extends z.ZodType>(spec: TopicSpec<S>, events: readonly OutgoingEvent<S>[]): Promise<void> {
    if (events.length === 0) return;
    await this.sendRaw(this.topicName(spec), this.encode(spec, events).messages);
  }

  /** Validates and encodes events of one topic for `sendMany`. */
  encode<S extends z.ZodType>(spec: TopicSpec<S>, events: readonly OutgoingEvent<S>[]): TopicBatch {
    return {
      topic: this.topicName(spec),
      messages: events.map((e) => ({
        key: e.key,
        value: encodeEvent(spec, e.event),
        headers: withTraceHeaders({ 'content-type': 'application/json', ...e.headers }, e.trace),
      })),
    };
  }

  /**
   * Events of several topics in one produce call, acknowledged together: a caller that must not commit its input
   * before all of its outputs are durable awaits one promise instead of one request per topic.
   */
  async sendMany(batches: readonly TopicBatch[]): Promise<void> {
    const topicMessages = batches.filter((b) => b.messages.length > 0);
    if (topicMessages.length === 0) return;
    try {
      await this.producer.sendBatch({ topicMessages, acks: -1, compression: CompressionTypes.None });
    } catch (e) {
      const topics = topicMessages.map((b) => b.topic);
      throw new TransientError('KAFKA_PRODUCE_FAILED', `producing to ${topics.join(', ')} failed`, e, { topics });
    }
  }

  async sendRaw(topic: string, messages: Message[]): Promise<void> {
    try {
      await this.producer.send({ topic, messages, acks: -1, compression: CompressionTypes.None });
    } catch (e) {
      throw new TransientError('KAFKA_PRODUCE_FAILED', `producing to ${topic} failed`, e, { topic });
    }
  }

  async disconnect(): Promise<void> {
    if (!this.connected) return;
    this.connected = false;
    await this.producer.disconnect();
  }
}
