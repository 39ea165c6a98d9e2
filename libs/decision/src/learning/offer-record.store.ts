import type { DecisionRecord, Offer } from '@offerstream/contracts';
import { RedisKeys, type RedisClient } from '@offerstream/redis';

/** What the learning loop needs to know about an offer when its outcome arrives. */
export interface OfferRecord {
  readonly offerId: string;
  readonly userId: string;
  readonly campaignId: string;
  readonly action: string;
  readonly cost: number;
  readonly probability: number;
  readonly createdAt: string;
  /**
   * The offer event and decision record as they are published. Kept until the offer expires so that a trigger
   * redelivered before they were acknowledged (produce failed and the batch is retried, or the process died in
   * between) publishes the same offer instead of being dropped as a duplicate of a decision nobody saw.
   */
  readonly published?: { readonly offer: Offer; readonly record?: DecisionRecord };
}

export class OfferRecordStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly ttlSeconds: number,
  ) {}

  async put(r: OfferRecord, offerTtlSeconds: number): Promise<void> {
    await this.redis.set(
      RedisKeys.decision.offer(r.offerId),
      JSON.stringify(r),
      'EX',
      Math.ceil(offerTtlSeconds + this.ttlSeconds),
    );
  }

  async delete(offerId: string): Promise<void> {
    await this.redis.del(RedisKeys.decision.offer(offerId));
  }

  async get(offerId: string): Promise<OfferRecord | undefined> {
    const raw = await this.redis.get(RedisKeys.decision.offer(offerId));
    return raw === null ? undefined : (JSON.parse(raw) as OfferRecord);
  }

  /** Marks offers as acknowledged by Kafka; a redelivered trigger then has nothing to publish again. */
  async markPublished(offers: readonly Pick<Offer, 'offerId' | 'expiresAt'>[], nowMs = Date.now()): Promise<void> {
    await Promise.all(
      offers.map((o) => {
        // Lives as long as the offer record it guards (offer lifetime plus the record's extra time).
        const ttl = Math.max(1, Math.ceil((Date.parse(o.expiresAt) - nowMs) / 1000)) + this.ttlSeconds;
        return this.redis.set(RedisKeys.decision.offerPublished(o.offerId), '1', 'EX', ttl);
      }),
    );
  }

  /** The offer of a claimed trigger if it was never acknowledged as published (both keys in the offer's slot). */
  async unpublished(offerId: string): Promise<OfferRecord['published']> {
    const [raw, done] = await this.redis.mget(
      RedisKeys.decision.offer(offerId),
      RedisKeys.decision.offerPublished(offerId),
    );
    if (raw === null || raw === undefined || done !== null) return undefined;
    return (JSON.parse(raw) as OfferRecord).published;
  }
}
