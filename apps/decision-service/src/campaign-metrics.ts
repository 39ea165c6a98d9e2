import { Inject, Injectable } from '@nestjs/common';
import { Gauge, type Registry } from 'prom-client';
import { budgetLedger, CampaignCache, ProfitModelStore, type Campaign } from '@offerstream/decision';
import { METRICS_REGISTRY, REDIS } from '@offerstream/platform';
import type { RedisClient } from '@offerstream/redis';

interface CampaignFigures {
  readonly campaign: Campaign;
  readonly spend: number;
}

/** prom-client collects every metric of a scrape at once: the gauges share one read of Redis within this window. */
const SNAPSHOT_REUSE_MS = 1_000;

/**
 * What operators alert on beside the decisions themselves: each campaign's reserved spend against its limit and end
 * (the budget burn rate is the slope of the spend), and how old the served incremental-profit model is. Read from
 * Redis when Prometheus scrapes, so every instance reports the same shared figures and nothing runs between scrapes.
 */
@Injectable()
export class CampaignMetrics {
  private snapshot: { at: number; figures: Promise<CampaignFigures[]> } | undefined;

  constructor(
    @Inject(METRICS_REGISTRY) registry: Registry,
    @Inject(REDIS) private readonly redis: RedisClient,
    @Inject(CampaignCache) private readonly cache: CampaignCache,
    @Inject(ProfitModelStore) profit: ProfitModelStore,
  ) {
    const perCampaign = (name: string, help: string, value: (f: CampaignFigures) => number | undefined): void => {
      const figures = (): Promise<CampaignFigures[]> => this.figures();
      new Gauge({
        name,
        help,
        labelNames: ['campaign'],
        registers: [registry],
        async collect() {
          const all = await figures();
          // Deleted campaigns must not linger as stale series.
          this.reset();
          for (const f of all) {
            const v = value(f);
            if (v !== undefined) this.set({ campaign: f.campaign.id }, v);
          }
        },
      });
    };
    perCampaign(
      'offerstream_campaign_budget_spend',
      'Spend reserved against the campaign budget (redeemed plus still open; released offers give theirs back)',
      (f) => f.spend,
    );
    perCampaign('offerstream_campaign_budget_limit', 'The campaign spend budget (unit of the spend)', (f) => {
      return f.campaign.budget.spend;
    });
    perCampaign(
      'offerstream_campaign_ends_timestamp_seconds',
      'When a campaign with an end date ends (absent without one)',
      (f) => (f.campaign.endsAt ? Date.parse(f.campaign.endsAt) / 1000 : undefined),
    );
    perCampaign('offerstream_campaign_active', '1 for each active campaign, 0 for a paused one', (f) =>
      f.campaign.status === 'active' ? 1 : 0,
    );
    new Gauge({
      name: 'offerstream_profit_model_age_seconds',
      help: 'Seconds since the served incremental-profit model was published (absent before the first)',
      registers: [registry],
      async collect() {
        const published = await profit.published();
        if (published) this.set(Date.now() / 1000 - Date.parse(published.publishedAt) / 1000);
        else this.reset();
      },
    });
  }

  private figures(): Promise<CampaignFigures[]> {
    const now = Date.now();
    if (this.snapshot && now - this.snapshot.at < SNAPSHOT_REUSE_MS) return this.snapshot.figures;
    const campaigns = this.cache.all;
    const figures = Promise.all(
      campaigns.map(async (campaign) => ({ campaign, spend: (await budgetLedger(this.redis, campaign.id)).spend })),
    );
    this.snapshot = { at: now, figures };
    return figures;
  }
}
