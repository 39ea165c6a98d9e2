import type { Interval } from '@offerstream/uplift';
import { RedisKeys, type RedisClient } from '@offerstream/redis';
import type { CampaignReport } from '../learning/campaign-report';

/** One sample of a campaign's report: what the console plots over time. */
export interface CampaignSeriesPoint {
  /** Start of the sampling bucket (ms since the epoch). */
  readonly at: number;
  /** Spend held against the limit (open plus redeemed) and offers made so far. */
  readonly reservedSpend: number;
  readonly offersMade: number;
  readonly treatedCustomers: number;
  readonly holdoutCustomers: number;
  /** Treated minus holdout, with their 95% intervals, as the report had them at that time (null before both groups). */
  readonly incrementalConversions: Interval | null;
  readonly incrementalGrossProfit: Interval | null;
}

export interface CampaignSeriesSettings {
  /** Width of a bucket: at most one point per campaign and bucket, whichever instance samples first. */
  readonly bucketMs: number;
  /** Points kept per campaign (the newest). */
  readonly maxPoints: number;
  /** The series expires this long after its last sample (an ended campaign's history does not stay forever). */
  readonly ttlSeconds: number;
}

/**
 * A per-campaign time series of the report's cumulative figures, so the console can plot budget burn and
 * incrementality over time (the report itself is a snapshot). Sampling is cheap: one HSETNX per campaign and bucket
 * in the slot of the campaign's figures; every instance may sample, the first write of a bucket wins.
 */
export class CampaignSeries {
  constructor(
    private readonly redis: RedisClient,
    private readonly settings: CampaignSeriesSettings,
  ) {}

  /** Stores the report as the point of the bucket `nowMs` falls in; false when that bucket already has one. */
  async sample(report: CampaignReport, nowMs: number): Promise<boolean> {
    const at = nowMs - (nowMs % this.settings.bucketMs);
    const point: CampaignSeriesPoint = {
      at,
      reservedSpend: report.budget.reservedSpend,
      offersMade: report.budget.offersMade,
      treatedCustomers: report.treated.customers,
      holdoutCustomers: report.holdout.customers,
      incrementalConversions: report.incrementalConversions,
      incrementalGrossProfit: report.incrementalGrossProfit,
    };
    const key = RedisKeys.campaign.statsSeries(report.campaignId);
    const added = (await this.redis.hsetnx(key, String(at), JSON.stringify(point))) === 1;
    if (!added) return false;
    await this.redis.expire(key, this.settings.ttlSeconds);
    if ((await this.redis.hlen(key)) > this.settings.maxPoints) await this.trim(key);
    return true;
  }

  /** The campaign's points, oldest first. */
  async read(campaignId: string): Promise<CampaignSeriesPoint[]> {
    const h = await this.redis.hgetall(RedisKeys.campaign.statsSeries(campaignId));
    return Object.values(h)
      .map((v) => JSON.parse(v) as CampaignSeriesPoint)
      .sort((a, b) => a.at - b.at);
  }

  private async trim(key: string): Promise<void> {
    const buckets = (await this.redis.hkeys(key)).map(Number).sort((a, b) => a - b);
    const excess = buckets.slice(0, buckets.length - this.settings.maxPoints);
    if (excess.length > 0) await this.redis.hdel(key, ...excess.map(String));
  }
}
