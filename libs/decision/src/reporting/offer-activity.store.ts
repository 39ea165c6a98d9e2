import type { Offer } from '@offerstream/contracts';
import { RedisKeys, type RedisClient } from '@offerstream/redis';

/** An offer as the console's live feed shows it. */
export interface FeedOffer {
  readonly offerId: string;
  readonly userId: string;
  readonly campaignId: string;
  readonly offerType: Offer['offerType'];
  readonly value: number;
  readonly trigger: Offer['trigger'];
  readonly placement?: string;
  readonly channel?: string;
  readonly appliesTo?: Offer['appliesTo'];
  readonly items: readonly string[];
  readonly reasonCodes: readonly string[];
  readonly expectedIncrementalProfit: number;
  readonly probability: number;
  readonly expiresAt: string;
  /** When Kafka acknowledged it (ms since the epoch). */
  readonly publishedAt: number;
}

/** Offers a campaign made, counted by offer type, trigger, channel and placement ('none' where the offer has none). */
export interface OfferMix {
  readonly offerType: Readonly<Record<string, number>>;
  readonly trigger: Readonly<Record<string, number>>;
  readonly channel: Readonly<Record<string, number>>;
  readonly placement: Readonly<Record<string, number>>;
}

export interface OfferActivitySettings {
  /** Offers kept in the feed (the newest). */
  readonly feedMax: number;
  /** The feed expires this long after the last offer (it holds user ids). */
  readonly feedTtlSeconds: number;
}

const MIX_DIMENSIONS = ['offerType', 'trigger', 'channel', 'placement'] as const;

/**
 * What the console shows of published offers: a bounded feed of the latest ones and per-campaign counts by type,
 * trigger, channel and placement. Written once Kafka acknowledged the offers (so the feed shows what consumers got),
 * one LPUSH for the batch and one HINCRBY per campaign and dimension value; Cluster-safe (each command one slot).
 */
export class OfferActivityStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly settings: OfferActivitySettings,
  ) {}

  async record(offers: readonly Offer[], nowMs: number): Promise<void> {
    if (offers.length === 0) return;
    const feed = RedisKeys.decision.offerFeed();
    const entries = offers.map((o) => JSON.stringify(feedOffer(o, nowMs)));
    const counts = new Map<string, Map<string, number>>();
    for (const o of offers) {
      const c = counts.get(o.campaignId) ?? new Map<string, number>();
      for (const field of [
        `offerType:${o.offerType}`,
        `trigger:${o.trigger}`,
        `channel:${o.channel ?? 'none'}`,
        `placement:${o.placement ?? 'none'}`,
      ])
        c.set(field, (c.get(field) ?? 0) + 1);
      counts.set(o.campaignId, c);
    }
    await Promise.all([
      this.redis
        .lpush(feed, ...entries)
        .then(() => this.redis.ltrim(feed, 0, this.settings.feedMax - 1))
        .then(() => this.redis.expire(feed, this.settings.feedTtlSeconds)),
      ...[...counts].flatMap(([campaignId, c]) =>
        [...c].map(([field, n]) => this.redis.hincrby(RedisKeys.campaign.statsMix(campaignId), field, n)),
      ),
    ]);
  }

  /** The latest offers, newest first. */
  async feed(limit: number): Promise<FeedOffer[]> {
    const raw = await this.redis.lrange(RedisKeys.decision.offerFeed(), 0, Math.max(0, limit - 1));
    return raw.map((j) => JSON.parse(j) as FeedOffer);
  }

  async mix(campaignId: string): Promise<OfferMix> {
    const h = await this.redis.hgetall(RedisKeys.campaign.statsMix(campaignId));
    const out: Record<(typeof MIX_DIMENSIONS)[number], Record<string, number>> = {
      offerType: {},
      trigger: {},
      channel: {},
      placement: {},
    };
    for (const [field, n] of Object.entries(h)) {
      const at = field.indexOf(':');
      const dim = MIX_DIMENSIONS.find((d) => d === field.slice(0, at));
      if (dim) out[dim][field.slice(at + 1)] = Number(n);
    }
    return out;
  }
}

function feedOffer(o: Offer, publishedAt: number): FeedOffer {
  return {
    offerId: o.offerId,
    userId: o.userId,
    campaignId: o.campaignId,
    offerType: o.offerType,
    value: o.value,
    trigger: o.trigger,
    ...(o.placement !== undefined ? { placement: o.placement } : {}),
    ...(o.channel !== undefined ? { channel: o.channel } : {}),
    ...(o.appliesTo !== undefined ? { appliesTo: o.appliesTo } : {}),
    items: o.items,
    reasonCodes: o.reasonCodes,
    expectedIncrementalProfit: o.expectedIncrementalProfit,
    probability: o.probability,
    expiresAt: o.expiresAt,
    publishedAt,
  };
}
