import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ValidationError } from '@offerstream/core';
import {
  CampaignNotFoundError,
  CampaignSeries,
  CampaignStore,
  ChannelEvidenceStore,
  OfferActivityStore,
  type ChannelFigures,
  type CampaignSeriesPoint,
  type FeedOffer,
  type OfferMix,
} from '@offerstream/decision';
import { Roles } from '@offerstream/platform';

const FEED_LIMIT_MAX = 500;

/** Parses `?limit=` (1..max, default `fallback`); anything else is a 400 naming the parameter. */
export function parseLimit(raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new ValidationError(`limit: an integer from 1 to ${max}`);
  return n;
}

/**
 * What the console charts beside the report: each campaign's sampled figures over time and its offers by type, trigger,
 * channel and placement, its outcomes and learned redeem rate per channel, and the live feed of the latest published
 * offers. Readers only, like the report.
 */
@Controller()
@Roles('reader')
export class ConsoleInsightsController {
  constructor(
    @Inject(CampaignStore) private readonly campaigns: CampaignStore,
    @Inject(CampaignSeries) private readonly series: CampaignSeries,
    @Inject(OfferActivityStore) private readonly activity: OfferActivityStore,
    @Inject(ChannelEvidenceStore) private readonly channels: ChannelEvidenceStore,
  ) {}

  @Get('campaigns/:id/series')
  async campaignSeries(@Param('id') id: string): Promise<{ campaignId: string; points: CampaignSeriesPoint[] }> {
    await this.existing(id);
    return { campaignId: id, points: await this.series.read(id) };
  }

  @Get('campaigns/:id/offer-mix')
  async offerMix(@Param('id') id: string): Promise<OfferMix & { campaignId: string }> {
    await this.existing(id);
    return { campaignId: id, ...(await this.activity.mix(id)) };
  }

  @Get('campaigns/:id/channels')
  async channelFigures(@Param('id') id: string): Promise<{ campaignId: string; channels: ChannelFigures[] }> {
    await this.existing(id);
    return { campaignId: id, channels: await this.channels.figures(id) };
  }

  @Get('offers/recent')
  async recentOffers(@Query('limit') limit?: string): Promise<FeedOffer[]> {
    return this.activity.feed(parseLimit(limit, 100, FEED_LIMIT_MAX));
  }

  private async existing(id: string): Promise<void> {
    if (!(await this.campaigns.get(id))) throw new CampaignNotFoundError(id);
  }
}
