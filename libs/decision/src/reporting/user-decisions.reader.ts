import type { Offer } from '@offerstream/contracts';
import { RedisKeys, type RedisClient } from '@offerstream/redis';
import type { TrackedDecision } from '../learning/decision-outcome.store';
import type { OfferRecordStore } from '../learning/offer-record.store';

/** An offer the user got recently, with why (reason codes) when its record is still kept. */
export interface UserOffer {
  readonly offerId: string;
  readonly campaignId: string;
  readonly at: number;
  readonly action?: string;
  readonly cost?: number;
  readonly offer?: Offer;
}

export interface UserDecisions {
  /** The user's latest decision still in its attribution window (offer, no offer or holdout), with its scores. */
  readonly latest: Omit<TrackedDecision, 'features'> | null;
  /** Offers of the cap history, newest first. */
  readonly offers: readonly UserOffer[];
}

/**
 * Reads what was decided for one user, for the console's user lookup: the cap history (which campaign offered
 * what, when), each offer's record (reason codes, model versions) while it is kept, and the latest tracked decision
 * with the probabilities the policy gave each action. Read-only; the writers are the reservation and outcome stores.
 */
export class UserDecisionsReader {
  constructor(
    private readonly redis: RedisClient,
    private readonly records: OfferRecordStore,
  ) {}

  async read(userId: string, limit = 20): Promise<UserDecisions> {
    const [history, latestId] = await Promise.all([
      this.redis.zrevrange(RedisKeys.user.offers(userId), 0, limit - 1, 'WITHSCORES'),
      this.redis.hget(RedisKeys.decision.learnLatest(), userId),
    ]);
    const entries: { campaignId: string; offerId: string; at: number }[] = [];
    for (let i = 0; i + 1 < history.length; i += 2) {
      const member = history[i] ?? '';
      const bar = member.lastIndexOf('|');
      entries.push({ campaignId: member.slice(0, bar), offerId: member.slice(bar + 1), at: Number(history[i + 1]) });
    }
    const [records, pending] = await Promise.all([
      Promise.all(entries.map((e) => this.records.get(e.offerId, e.campaignId))),
      latestId === null ? Promise.resolve(null) : this.redis.hget(RedisKeys.decision.learnPending(), latestId),
    ]);
    let latest: UserDecisions['latest'] = null;
    if (pending !== null) {
      const { features: _features, ...rest } = JSON.parse(pending) as TrackedDecision;
      latest = rest;
    }
    return {
      latest,
      offers: entries.map((e, i) => {
        const r = records[i];
        return r ? { ...e, action: r.action, cost: r.cost, ...(r.published ? { offer: r.published.offer } : {}) } : e;
      }),
    };
  }
}
