import { RedisKeys, type RedisClient } from '@offerstream/redis';
import type { FeatureVector } from '../policy/propensity.model';

/** What the learning loop needs to know about an offer when its outcome arrives. */
export interface OfferRecord {
  readonly offerId: string;
  readonly userId: string;
  readonly campaignId: string;
  readonly action: string;
  readonly context: readonly number[];
  /** Prior purchase probability of the action; the bandit learns the residual over it. */
  readonly prior: number;
  readonly cost: number;
  readonly probability: number;
  /** Propensity inputs of the offered item at decision time: the outcome turns them into a training example. */
  readonly features?: FeatureVector;
  readonly propensityVersion?: string;
  readonly createdAt: string;
}

export class OfferRecordStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly ttlSeconds: number,
  ) {}

  async put(r: OfferRecord, offerTtlSeconds: number): Promise<void> {
    await this.redis.set(RedisKeys.decision.offer(r.offerId), JSON.stringify(r), 'EX', Math.ceil(offerTtlSeconds + this.ttlSeconds));
  }

  async delete(offerId: string): Promise<void> {
    await this.redis.del(RedisKeys.decision.offer(offerId));
  }

  async get(offerId: string): Promise<OfferRecord | undefined> {
    const raw = await this.redis.get(RedisKeys.decision.offer(offerId));
    return raw === null ? undefined : (JSON.parse(raw) as OfferRecord);
  }
}
