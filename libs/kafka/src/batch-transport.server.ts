import { Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import type { Consumer } from 'kafkajs';
import { isObservable, lastValueFrom } from 'rxjs';
import type { z } from 'zod';
import { TOPICS, type TopicSpec } from '@offerstream/contracts';
import {
  BatchConsumer,
  type BatchConsumerOptions,
  type BatchContext,
  type BatchResult,
  type ConsumedEvent,
} from './batch-consumer';

/** Identifies the transport to Nest (`@EventPattern(topic, KAFKA_BATCH_TRANSPORT)` would pin a handler to it). */
export const KAFKA_BATCH_TRANSPORT = Symbol('KafkaBatchTransport');

/** The extras of a consumer's `@EventPattern(TOPICS.x.name, { group: 'x' })`. */
export interface BatchPatternExtras {
  /** Appended to the service's group (`<group>.<this>`), for a service that reads several topics in several groups. */
  readonly group?: string;
}

/** What every consumer of a service shares; the topic, group suffix and handler come from each `@EventPattern`. */
export type BatchTransportOptions = Omit<BatchConsumerOptions<z.ZodType>, 'topic' | 'handler'>;

type BatchEvents = ConsumedEvent<unknown>[];
type BatchEventHandler = MessageHandler<BatchEvents, BatchContext, BatchResult<unknown> | undefined>;

/**
 * The shared batch consumer as a Nest transport: each `@EventPattern(topic)` method of a controller becomes one
 * BatchConsumer (its own group), called with the batch and its BatchContext (`@Payload()`, `@Ctx()`), so every
 * guarantee of BatchConsumer holds: partition order, commit after the handler and its dead letters, heartbeats,
 * partition marks, crash guard, metrics, tracing. A handler may return a BatchResult (its rejected events).
 * Handler errors must reach the consumer as thrown (it retries or dead-letters by their kind): connect it with
 * connectBatchTransport, which installs the filter that keeps them so.
 */
export class KafkaBatchTransport extends Server implements CustomTransportStrategy {
  override readonly transportId = KAFKA_BATCH_TRANSPORT;
  private consumers: BatchConsumer<z.ZodType>[] = [];

  constructor(private readonly options: BatchTransportOptions) {
    super();
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      const handlers = this.getHandlers() as Map<string, BatchEventHandler>;
      this.consumers = [...handlers].map(([pattern, handler]) => this.consumerFor(pattern, handler));
      await Promise.all(this.consumers.map((c) => c.start()));
      this._status$.next('connected');
      callback();
    } catch (e) {
      callback(e);
    }
  }

  /** Graceful drain: every batch in flight finishes, commits its offsets, then the consumers leave their groups. */
  async close(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.stop()));
    this._status$.next('disconnected');
  }

  /** The kafkajs consumers, one per handler. */
  unwrap<T>(): T {
    return this.consumers.map((c) => c.kafkaConsumer) satisfies Consumer[] as T;
  }

  on(): never {
    throw new Error('KafkaBatchTransport has no events to listen to: watch its metrics and readiness checks');
  }

  private consumerFor(pattern: string, handler: BatchEventHandler): BatchConsumer<z.ZodType> {
    if (!handler.isEventHandler)
      throw new Error(`@MessagePattern('${pattern}'): Kafka topics are consumed with @EventPattern, not request-reply`);
    if (handler.next) throw new Error(`two @EventPattern handlers for '${pattern}': one consumer per topic and group`);
    const topic: TopicSpec | undefined = Object.values(TOPICS).find((t) => t.name === pattern);
    if (!topic) throw new Error(`@EventPattern('${pattern}') names no topic of the contracts (use TOPICS.<x>.name)`);
    const { group } = (handler.extras ?? {}) as BatchPatternExtras;
    return new BatchConsumer({
      ...this.options,
      groupId: group ? `${this.options.groupId}.${group}` : this.options.groupId,
      topic,
      partitionsConsumedConcurrently: Math.min(this.options.partitionsConsumedConcurrently ?? 3, topic.partitions),
      handler: (events, ctx) => this.invoke(handler, events, ctx),
    });
  }

  private async invoke(
    handler: BatchEventHandler,
    events: BatchEvents,
    ctx: BatchContext,
  ): Promise<BatchResult<unknown> | undefined> {
    const out = await handler(events, ctx);
    return isObservable(out) ? lastValueFrom(out, { defaultValue: undefined }) : out;
  }
}
