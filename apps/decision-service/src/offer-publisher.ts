import { randomUUID } from 'node:crypto';
import { CONTRACT_VERSION, TOPICS, type Offer } from '@offerstream/contracts';
import type { Logger } from '@offerstream/core';
import type { EventProducer } from '@offerstream/kafka';

interface Waiter {
  readonly offers: readonly Offer[];
  resolve(): void;
  reject(e: unknown): void;
}

/**
 * Writes offers to the offers topic with group commit: offers handed in while a produce request is in flight
 * (from the batches of several partitions, and from HTTP) go out together in the next request. The shared
 * producer is idempotent and allows one request in flight, so without this the six partitions' produces
 * queued one behind the other and every consumed batch waited for all of them.
 *
 * Consumers await `publish` before committing (an offer is durable before its trigger is acknowledged); the
 * HTTP path calls `enqueue`, which does not wait (the caller already has the offer in the response).
 */
export class OfferPublisher {
  private pending: Waiter[] = [];
  private sending: Promise<void> | undefined;

  constructor(
    private readonly producer: EventProducer,
    private readonly logger: Logger,
    private readonly onFailure: (n: number) => void,
  ) {}

  publish(offers: readonly Offer[]): Promise<void> {
    if (offers.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ offers, resolve, reject });
      if (!this.sending) this.sending = this.drainLoop();
    });
  }

  enqueue(offer: Offer): void {
    this.publish([offer]).catch((e: unknown) => {
      this.onFailure(1);
      this.logger.error('publishing an offer decided over HTTP failed', { error: e, offerId: offer.offerId });
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
          await this.send(group.flatMap((w) => w.offers));
          for (const w of group) w.resolve();
        } catch (e) {
          for (const w of group) w.reject(e);
        }
      }
    } finally {
      this.sending = undefined;
    }
  }

  private async send(offers: readonly Offer[]): Promise<void> {
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
}
