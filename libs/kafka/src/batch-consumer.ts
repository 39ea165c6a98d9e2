import type { Context } from '@opentelemetry/api';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { z } from 'zod';
import { decodeEvent, type TopicSpec } from '@offerstream/contracts';
import {
  backoffMs,
  createLogger,
  errorCode,
  type OfferStreamError,
  sleep,
  type Logger,
  type SubjectFields,
  type UserPseudonyms,
} from '@offerstream/core';
import { failureKind, UnhandledError } from './consumer-failure';
import { consumerMetrics, type ConsumerMetrics } from './consumer-metrics';
import { CrashGuard } from './crash-guard';
import { AssignmentReconciler } from './assignment-reconciler';
import { fingerprint, type PartitionMarkStore, type Verdict } from './partition-reconciler';
import { toDeadLetterMessage, type DeadLetter } from './dead-letter';
import type { EventProducer } from './event-producer';
import { ConsumeSpans } from './kafka-tracing';

export interface ConsumedEvent<T> {
  readonly event: T;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly timestamp: string;
  readonly message: KafkaMessage;
  /** Its consumer span's context when tracing is on: work done for this event continues the producer's trace. */
  readonly trace?: Context;
}

export interface BatchContext {
  readonly topic: string;
  readonly partition: number;
  readonly lastOffset: string;
  heartbeat(): Promise<void>;
  isRunning(): boolean;
  /**
   * Dead-letters events now, durably, instead of after the handler returns. For handlers whose state remembers
   * what it has judged (an offset watermark): if the DLQ send came after the state write, a crash in between
   * would replay the batch, skip the event as already seen and lose its dead letter. Sent first, a crash can
   * only repeat it (same source partition and offset in its headers): at least once, never lost.
   */
  deadLetter(rejected: readonly { event: ConsumedEvent<unknown>; error: OfferStreamError }[]): Promise<void>;
}

/** Events the handler refuses for domain reasons (unknown item, out of order beyond tolerance, ...). */
export interface BatchResult<T> {
  rejected?: { event: ConsumedEvent<T>; error: OfferStreamError }[];
}

/**
 * Must make its work durable before it resolves (offsets are committed right after) and must be idempotent per
 * (partition, offset): after a crash or a rebalance the same events may come again.
 */
export type BatchHandler<T> = (events: ConsumedEvent<T>[], ctx: BatchContext) => Promise<BatchResult<T> | void>;

export interface BatchConsumerOptions<S extends z.ZodType> {
  kafka: Kafka;
  /** Used for dead letters; its topic prefix applies to the consumed topic too. */
  producer: EventProducer;
  groupId: string;
  topic: TopicSpec<S>;
  handler: BatchHandler<z.infer<S>>;
  partitionsConsumedConcurrently?: number;
  maxRetries?: number;
  retryInitialMs?: number;
  retryMaxMs?: number;
  heartbeatEveryMs?: number;
  fromBeginning?: boolean;
  maxWaitTimeInMs?: number;
  maxBytesPerPartition?: number;
  sessionTimeoutMs?: number;
  logger?: Logger;
  registry?: Registry;
  /** Attempts of a batch failing with an unclassified error before its poison event is dead-lettered (default 3). */
  unknownErrorAttempts?: number;
  /** Crashes in a row (no batch committed in between) after which kafkajs stops restarting the consumer (default 5). */
  maxRestarts?: number;
  /** Per-partition marks in the state store: reconciled with the log on every assignment (see PartitionReconciler). */
  marks?: PartitionMarkStore;
  /** Readiness: the consumer registers a check that fails while it crash-loops, has stopped, or refuses a partition. */
  health?: { register(name: string, check: () => Promise<void>): void };
  /**
   * Replaces the shop's user ids of a topic that carries them (`userIds: 'raw'`) by pseudonyms as events are decoded,
   * before the handler, a log line or a state write can see them.
   */
  pseudonyms?: UserPseudonyms;
}

/**
 * The one way services consume: kafkajs eachBatch, order kept within a partition, several partitions at once,
 * invalid events dead-lettered with their reason, retriable failures retried with backoff, offsets committed
 * only after the handler (and any dead letters) are durable, heartbeats kept up during long batches.
 */
export class BatchConsumer<S extends z.ZodType> {
  private readonly consumer: Consumer;
  private readonly log: Logger;
  private readonly metrics: ConsumerMetrics | undefined;
  private readonly topicName: string;
  private readonly stopping = new AbortController();
  private running = false;
  private inFlight = 0;
  private readonly crashes: CrashGuard;
  private readonly reconciler: AssignmentReconciler | undefined;

  constructor(private readonly opts: BatchConsumerOptions<S>) {
    this.topicName = opts.producer.topicName(opts.topic);
    this.log = (opts.logger ?? createLogger('batch-consumer')).child({ topic: this.topicName, group: opts.groupId });
    this.metrics = opts.registry ? consumerMetrics(opts.registry) : undefined;
    this.crashes = new CrashGuard(opts.maxRestarts ?? 5);
    this.consumer = opts.kafka.consumer({
      groupId: opts.groupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: opts.maxWaitTimeInMs ?? 100,
      maxBytesPerPartition: opts.maxBytesPerPartition ?? 2 * 1024 * 1024,
      sessionTimeout: opts.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: 3_000,
      retry: { restartOnFailure: this.crashes.restartOnFailure },
    });
    this.reconciler = opts.marks
      ? new AssignmentReconciler(opts.marks, {
          kafka: opts.kafka,
          consumer: this.consumer,
          groupId: opts.groupId,
          topic: this.topicName,
          log: this.log,
          metrics: this.metrics,
        })
      : undefined;
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      this.crashes.crashed(payload.error, payload.restart);
      this.metrics?.crashes.inc({ topic: this.topicName, group: opts.groupId, restart: String(payload.restart) });
      this.log.error('consumer crashed', { error: payload.error, restart: payload.restart });
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      // Not awaited by kafkajs; assigned() logs its own failures.
      void this.reconciler?.assigned(payload.memberAssignment[this.topicName] ?? []);
    });
    opts.health?.register(`consumer ${opts.groupId}`, () => this.healthCheck());
  }

  private healthCheck(): Promise<void> {
    const refused = this.reconciler?.refused ?? [];
    const problem =
      this.crashes.problem ??
      (refused.length > 0
        ? `refusing ${refused.map((r) => `partition ${r.partition} (${r.reason}: ${r.detail})`).join(', ')}`
        : undefined);
    return problem ? Promise.reject(new Error(problem)) : Promise.resolve();
  }

  get kafkaConsumer(): Consumer {
    return this.consumer;
  }

  async start(): Promise<void> {
    await this.reconciler?.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topicName, fromBeginning: this.opts.fromBeginning ?? true });
    this.running = true;
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.opts.partitionsConsumedConcurrently ?? 3,
      eachBatch: (payload) => this.onBatch(payload),
    });
    this.log.info('consumer started');
  }

  /** Waits for batches in flight to finish and commit, then leaves the group. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.stopping.abort();
    await this.consumer.disconnect();
    await this.reconciler?.disconnect();
    this.log.info('consumer stopped', { inFlight: this.inFlight });
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (batch.messages.length === 0) return;
    const verdict: Verdict = this.reconciler ? await this.reconciler.check(batch) : { action: 'process' };
    if (verdict.action !== 'process') return;
    const skipThrough = verdict.skipThrough ?? -1n;
    const started = process.hrtime.bigint();
    this.inFlight++;
    const timer = setInterval(() => {
      payload.heartbeat().catch((e: unknown) => this.log.warn('heartbeat failed', { error: e }));
    }, this.opts.heartbeatEveryMs ?? 2_000);
    const spans = ConsumeSpans.start(batch.topic, batch.partition, this.opts.groupId);
    let failure: unknown;
    try {
      const events: ConsumedEvent<z.infer<S>>[] = [];
      const dead: DeadLetter[] = [];
      let earlyDead = 0;
      for (const message of batch.messages) {
        // Already applied to the state (re-read to verify the partition's mark, or an offset reset below it).
        if (BigInt(message.offset) <= skipThrough) continue;
        const decoded = decodeEvent(this.opts.topic, message.value);
        const traced = spans?.message(message, decoded.ok ? decoded.event : undefined);
        if (decoded.ok) {
          events.push({
            trace: traced,
            event: this.pseudonymize(decoded.event),
            partition: batch.partition,
            offset: message.offset,
            key: message.key?.toString('utf8') ?? null,
            timestamp: message.timestamp,
            message,
          });
        } else {
          dead.push({ sourceTopic: batch.topic, partition: batch.partition, message, error: decoded.error });
        }
      }
      const ctx: BatchContext = {
        topic: batch.topic,
        partition: batch.partition,
        lastOffset: batch.lastOffset(),
        heartbeat: () => payload.heartbeat(),
        isRunning: () => payload.isRunning() && !payload.isStale(),
        deadLetter: async (rejected) => {
          if (rejected.length === 0) return;
          await this.deadLetter(
            rejected.map(({ event, error }) => ({
              sourceTopic: batch.topic,
              partition: batch.partition,
              message: event.message,
              error,
            })),
          );
          earlyDead += rejected.length;
        },
      };
      if (events.length > 0) dead.push(...(await this.handleWithIsolation(events, ctx)));
      if (dead.length > 0) await this.deadLetter(dead);
      // Commit only now: state and dead letters are durable, so a crash before this line replays the batch and
      // the handler's idempotence keeps it from counting twice.
      const last = batch.lastOffset();
      const lastMessage = batch.messages[batch.messages.length - 1];
      // The mark follows the state it vouches for: after a Redis rollback it is never ahead of what was applied.
      if (this.opts.marks && lastMessage && BigInt(lastMessage.offset) > skipThrough)
        await this.opts.marks.write(this.opts.groupId, batch.topic, batch.partition, {
          offset: lastMessage.offset,
          fingerprint: fingerprint(lastMessage),
        });
      payload.resolveOffset(last);
      const next = { partition: batch.partition, offset: (BigInt(last) + 1n).toString() };
      await this.consumer.commitOffsets([{ topic: batch.topic, ...next }]);
      // Once stop() has begun, kafkajs drops consumer.commitOffsets silently; the group stays joined until the
      // batches in flight are done, so the drain commits through the batch's own call (no retries, a failure throws).
      if (!payload.isRunning())
        await payload.commitOffsetsIfNecessary({ topics: [{ topic: batch.topic, partitions: [next] }] });
      this.crashes.committed();
      this.metrics?.events.inc({ topic: batch.topic, group: this.opts.groupId, result: 'processed' }, events.length);
      if (dead.length + earlyDead > 0) {
        this.metrics?.events.inc(
          { topic: batch.topic, group: this.opts.groupId, result: 'dead_lettered' },
          dead.length + earlyDead,
        );
      }
      this.metrics?.lag.set(
        { topic: batch.topic, group: this.opts.groupId, partition: String(batch.partition) },
        Math.max(0, Number(BigInt(batch.highWatermark) - BigInt(last) - 1n)),
      );
    } catch (e) {
      failure = e;
      throw e;
    } finally {
      spans?.end(failure);
      clearInterval(timer);
      this.inFlight--;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.metrics?.batchSeconds.observe({ topic: batch.topic, group: this.opts.groupId }, seconds);
    }
  }

  /**
   * Runs the whole batch; if it fails for a non-retriable reason, runs each event alone so that only the poison
   * event is dead-lettered and its neighbours are still processed.
   */
  private async handleWithIsolation(events: ConsumedEvent<z.infer<S>>[], ctx: BatchContext): Promise<DeadLetter[]> {
    const toDead = (r: BatchResult<z.infer<S>> | void): DeadLetter[] =>
      (r?.rejected ?? []).map(({ event, error }) => ({
        sourceTopic: ctx.topic,
        partition: ctx.partition,
        message: event.message,
        error,
      }));
    try {
      return toDead(await this.withRetry(() => this.opts.handler(events, ctx), ctx));
    } catch (e) {
      // Only what is known to be the event's fault is dead-lettered: fatal errors, and unknown ones after their
      // attempts (UnhandledError). A raw unknown error here means the consumer is stopping: the batch comes again.
      if (failureKind(e) !== 'fatal' || events.length === 1) {
        if (events.length === 1 && failureKind(e) === 'fatal') return [this.deadOf(events[0], ctx, e)];
        throw e;
      }
      this.log.warn('batch failed with a non-retriable error; isolating the poison event', { error: e });
      const dead: DeadLetter[] = [];
      for (const event of events) {
        try {
          dead.push(...toDead(await this.withRetry(() => this.opts.handler([event], ctx), ctx)));
        } catch (inner) {
          if (failureKind(inner) !== 'fatal') throw inner;
          dead.push(this.deadOf(event, ctx, inner));
        }
      }
      return dead;
    }
  }

  private deadOf(event: ConsumedEvent<z.infer<S>> | undefined, ctx: BatchContext, error: unknown): DeadLetter {
    if (!event) throw new Error('unreachable: no event to dead-letter');
    return { sourceTopic: ctx.topic, partition: ctx.partition, message: event.message, error };
  }

  private async withRetry<T>(work: () => Promise<T>, ctx: BatchContext): Promise<T> {
    const max = this.opts.maxRetries ?? 8;
    const unknownMax = this.opts.unknownErrorAttempts ?? 3;
    for (let attempt = 0; ; attempt++) {
      try {
        return await work();
      } catch (e) {
        const kind = failureKind(e);
        if (kind === 'fatal' || this.stopping.signal.aborted) throw e;
        // Nobody said whether it can pass: a few tries, then it counts as the event's fault (dead-lettered).
        if (kind === 'unknown' && attempt + 1 >= unknownMax) throw new UnhandledError(e, attempt + 1);
        if (kind === 'retriable' && attempt >= max) throw e;
        this.metrics?.retries.inc({ topic: ctx.topic, group: this.opts.groupId, code: errorCode(e) });
        const wait = backoffMs(attempt, this.opts.retryInitialMs ?? 100, this.opts.retryMaxMs ?? 5_000);
        this.log.warn('retriable failure, backing off', { error: e, attempt, waitMs: wait, partition: ctx.partition });
        await sleep(wait, this.stopping.signal);
        await ctx.heartbeat().catch(() => undefined);
      }
    }
  }

  private pseudonymize(event: z.infer<S>): z.infer<S> {
    const p = this.opts.pseudonyms;
    if (!p || this.opts.topic.userIds !== 'raw') return event;
    return p.event(event as SubjectFields) as z.infer<S>;
  }

  private async deadLetter(dead: DeadLetter[]): Promise<void> {
    const byTopic = new Map<string, ReturnType<typeof toDeadLetterMessage>['message'][]>();
    for (const d of dead) {
      const { topic, message } = toDeadLetterMessage(d, this.opts.groupId);
      const list = byTopic.get(topic) ?? [];
      list.push(message);
      byTopic.set(topic, list);
      this.log.warn('dead-lettered an event', {
        reason: message.headers?.['x-dlq-reason'],
        partition: d.partition,
        offset: d.message.offset,
      });
    }
    for (const [topic, messages] of byTopic) await this.opts.producer.sendRaw(topic, messages);
  }
}
