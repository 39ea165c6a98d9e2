import { randomUUID } from 'node:crypto';
import { context, type Context } from '@opentelemetry/api';
import { CONTRACT_VERSION, TOPICS, type DecisionRecord, type Offer } from '@offerstream/contracts';
import type { Logger } from '@offerstream/core';
import type { Decision } from '@offerstream/decision';
import { kafkaTracingEnabled, type EventProducer } from '@offerstream/kafka';

/**
 * The published decisions whose claim may have stored their record (only a decision with a campaign is claimed): what
 * to drop once Kafka has them (ReservationStore.forgetRecords).
 */
export const claimedDecisions = (decisions: readonly Decision[]): Decision[] =>
  decisions.filter((d) => d.record !== undefined && d.campaignId !== undefined);

interface Waiter {
  readonly decisions: readonly Decision[];
  /** The caller's context when tracing is on: its offers and records carry it, not the group sender's. */
  readonly trace: Context | undefined;
  resolve(): void;
  reject(e: unknown): void;
}

/**
 * Writes offers to the offers topic and every decision's record to the decisions topic with group commit: what is
 * handed in while a produce request is in flight (from the batches of several partitions, and from HTTP) goes out
 * together in the next request, both topics in one call. The shared producer is idempotent and allows one request
 * in flight, so without this the six partitions' produces queued one behind the other and every consumed batch
 * waited for all of them.
 *
 * Consumers await `publish` before committing (an offer and its decision record are durable before the trigger is
 * acknowledged); the HTTP path calls `enqueue`, which does not wait (the caller already has the answer).
 */
export class OfferPublisher {
  private pending: Waiter[] = [];
  private sending: Promise<void> | undefined;

  constructor(
    private readonly producer: EventProducer,
    private readonly logger: Logger,
    private readonly onFailure: (n: number) => void,
    /**
     * Told which offers and which decisions (with their records) Kafka acknowledged, before the publish resolves (so
     * before a batch commits).
     */
    private readonly onPublished: (
      offers: readonly Offer[],
      decisions: readonly Decision[],
    ) => Promise<void> = async () => undefined,
  ) {}

  publish(decisions: readonly Decision[]): Promise<void> {
    const loggable = decisions.filter((d) => d.offer !== undefined || d.record !== undefined);
    if (loggable.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const trace = kafkaTracingEnabled() ? context.active() : undefined;
      this.pending.push({ decisions: loggable, trace, resolve, reject });
      if (!this.sending) this.sending = this.drainLoop();
    });
  }

  enqueue(decision: Decision): void {
    this.publish([decision]).catch((e: unknown) => {
      this.onFailure(1);
      this.logger.error('publishing a decision taken over HTTP failed', {
        error: e,
        decisionId: decision.decisionId,
        offerId: decision.offer?.offerId,
      });
    });
  }

  async drain(): Promise<void> {
    while (this.sending) await this.sending;
  }

  private async drainLoop(): Promise<void> {
    // One tick first, so that offers from batches finishing together share the first request too.
    await new Promise((r) => setImmediate(r));
    try {
      while (this.pending.length > 0) {
        const group = this.pending;
        this.pending = [];
        try {
          const decisions = group.flatMap((w) => w.decisions);
          await this.send(group.flatMap((w) => w.decisions.map((d) => ({ d, trace: w.trace }))));
          const offers = decisions.flatMap((d) => (d.offer ? [d.offer] : []));
          await this.onPublished(offers, decisions);
          for (const w of group) w.resolve();
        } catch (e) {
          for (const w of group) w.reject(e);
        }
      }
    } finally {
      this.sending = undefined;
    }
  }

  private async send(decisions: readonly { d: Decision; trace: Context | undefined }[]): Promise<void> {
    const now = new Date().toISOString();
    const offers: { o: Offer; trace: Context | undefined }[] = [];
    const records: { r: DecisionRecord; trace: Context | undefined }[] = [];
    for (const { d, trace } of decisions) {
      if (d.offer) offers.push({ o: d.offer, trace });
      if (d.record) records.push({ r: d.record, trace });
    }
    const envelope = (userId: string, correlation: string) => ({
      schemaVersion: CONTRACT_VERSION,
      occurredAt: now,
      producer: 'decision-service',
      userId,
      correlationId: correlation.length <= 128 ? correlation : randomUUID(),
    });
    await this.producer.sendMany([
      this.producer.encode(
        TOPICS.offers,
        offers.map(({ o, trace }) => ({
          key: o.userId,
          trace,
          event: { ...envelope(o.userId, o.triggerId), eventId: o.offerId, type: 'offer' as const, payload: o },
        })),
      ),
      this.producer.encode(
        TOPICS.decisions,
        records.map(({ r, trace }) => ({
          key: r.userId,
          trace,
          event: { ...envelope(r.userId, r.trigger.id), eventId: r.decisionId, type: 'decision' as const, payload: r },
        })),
      ),
    ]);
  }
}
