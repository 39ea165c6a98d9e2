import { randomUUID } from 'node:crypto';
import { CONTRACT_VERSION, TOPICS, type Offer } from '@offerstream/contracts';
import type { Logger } from '@offerstream/core';
import type { EventProducer } from '@offerstream/kafka';

/**
 * Writes offers to the offers topic. Consumers await `publish` before committing (so an offer is durable
 * before its trigger is acknowledged); the HTTP path hands offers to `enqueue`, which batches them off the
 * request's critical path (the caller already has the offer in the response).
 */
export class OfferPublisher {
  private queue: Offer[] = [];
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly producer: EventProducer,
    private readonly logger: Logger,
    private readonly onFailure: (n: number) => void,
  ) {}

  async publish(offers: readonly Offer[]): Promise<void> {
    if (offers.length === 0) return;
    const now = new Date().toISOString();
    await this.producer.send(
      TOPICS.offers,
      offers.map((o) => ({
        key: o.userId,
        event: {
          eventId: o.offerId,
          schemaVersion: CONTRACT_VERSION,
          occurredAt: now,
          producer: 'decision-service',
          userId: o.userId,
          correlationId: o.triggerId.length <= 128 ? o.triggerId : randomUUID(),
          type: 'offer' as const,
          payload: o,
        },
      })),
    );
  }

  enqueue(offer: Offer): void {
    this.queue.push(offer);
    if (!this.flushing) this.flushing = this.linger().then(() => this.flush());
  }

  /** A few milliseconds of linger turn a stream of single HTTP offers into batched produce requests. */
  private linger(): Promise<void> {
    return new Promise((r) => setTimeout(r, 5));
  }

  async drain(): Promise<void> {
    while (this.flushing || this.queue.length > 0) await (this.flushing ?? this.flush());
  }

  private async flush(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    try {
      await this.publish(batch);
    } catch (e) {
      this.onFailure(batch.length);
      this.logger.error('publishing offers decided over HTTP failed', { error: e, count: batch.length });
    } finally {
      this.flushing = undefined;
      if (this.queue.length > 0) this.flushing = this.linger().then(() => this.flush());
    }
  }
}
