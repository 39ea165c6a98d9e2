import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Put } from '@nestjs/common';
import { CampaignCache, CampaignNotFoundError, campaignReport, CampaignStore, type Campaign, type CampaignReport } from '@offerstream/decision';
import { REDIS } from '@offerstream/platform';
import type { RedisClient } from '@offerstream/redis';

/** Campaign administration. Every write bumps the change counter that all instances poll. */
@Controller('campaigns')
export class CampaignsController {
  constructor(
    @Inject(CampaignStore) private readonly campaigns: CampaignStore,
    @Inject(CampaignCache) private readonly cache: CampaignCache,
    @Inject(REDIS) private readonly redis: RedisClient,
  ) {}

  @Post()
  @HttpCode(201)
  async create(@Body() body: unknown): Promise<Campaign> {
    const c = await this.campaigns.create(body);
    await this.cache.refresh();
    return c;
  }

  @Get()
  async list(): Promise<Campaign[]> {
    return this.campaigns.list();
  }

  @Get(':id')
  async get(@Param('id') id: string): Promise<Campaign> {
    const c = await this.campaigns.get(id);
    if (!c) throw new CampaignNotFoundError(id);
    return c;
  }

  @Patch(':id')
  async update(@Param('id') id: string, @Body() body: unknown): Promise<Campaign> {
    const c = await this.campaigns.update(id, body);
    await this.cache.refresh();
    return c;
  }

  @Put(':id/pause')
  async pause(@Param('id') id: string): Promise<Campaign> {
    const c = await this.campaigns.setStatus(id, 'paused');
    await this.cache.refresh();
    return c;
  }

  @Put(':id/resume')
  async resume(@Param('id') id: string): Promise<Campaign> {
    const c = await this.campaigns.setStatus(id, 'active');
    await this.cache.refresh();
    return c;
  }

  @Get(':id/report')
  async report(@Param('id') id: string): Promise<CampaignReport> {
    const c = await this.campaigns.get(id);
    if (!c) throw new CampaignNotFoundError(id);
    return campaignReport(this.redis, c);
  }
}
