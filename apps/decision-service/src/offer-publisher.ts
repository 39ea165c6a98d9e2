import { randomUUID } from 'node:crypto';
import { CONTRACT_VERSION, TOPICS, type DecisionRecord, type Offer } from '@offerstream/contracts';
import type { Logger } from '@offerstream/core';
import type { Decision } from '@offerstream/decision';
import type { EventProducer } from '@offerstream/kafka';

interface Waiter {
  readonly decisions: readonly Decision[];
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
    /** Told which offers Kafka acknowledged, before the publish resolves (so before a batch commits). */
    private readonly onPublished: (offers: readonly Offer[]) => Promise<void> = async () => undefined,
  ) {}

  publish(decisions: readonly Decision[]): Promise<void> {
    const loggable = decisions.filter((d) => d.offer !== undefined || d.record !== undefined);
    if (loggable.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ decisions: loggable, resolve, reject });
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
          await this.send(decisions);
          const offers = decisions.flatMap((d) => (d.offer ? [d.offer] : []));
          if (offers.length > 0) await this.onPublished(offers);
          for (const w of group) w.resolve();
        } catch (e) {
          for (const w of group) w.reject(e);
        }
      }
    } finally {
      this.sending = undefined;
    }
  }

  private async send(decisions: readonly Decision[]): Promise<void> {
    const now = new Date().toISOString();
    const offers: Offer[] = [];
    const records: DecisionRecord[] = [];
    for (const d of decisions) {
      if (d.offer) offers.push(d.offer);
      if (d.record) records.push(d.record);
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
        offers.map((o) => ({
          key: o.userId,
          event: { ...envelope(o.userId, o.triggerId), eventId: o.offerId, type: 'offer' as const, payload: o },
        })),
      ),
      this.producer.encode(
        TOPICS.decisions,
        records.map((r) => ({
          key: r.userId,
          event: { ...envelope(r.userId, r.trigger.id), eventId: r.decisionId, type: 'decision' as const, payload: r },
        })),
      ),
    ]);
  }
}
