import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Put } from '@nestjs/common';
import { CampaignNotFoundError, campaignReport, type Campaign, type CampaignReport } from '@offerstream/decision';
import { DECISION_RUNTIME } from './decision-service.tokens';
import type { DecisionRuntime } from './decision-runtime';

/** Campaign administration. Every write bumps the change counter that all instances poll. */
@Controller('campaigns')
export class CampaignsController {
  constructor(@Inject(DECISION_RUNTIME) private readonly rt: DecisionRuntime) {}

  @Post()
  @HttpCode(201)
  async create(@Body() body: unknown): Promise<Campaign> {
    const c = await this.rt.campaigns.create(body);
    await this.rt.cache.refresh();
    return c;
  }

  @Get()
  async list(): Promise<Campaign[]> {
    return this.rt.campaigns.list();
  }

  @Get(':id')
  async get(@Param('id') id: string): Promise<Campaign> {
    const c = await this.rt.campaigns.get(id);
    if (!c) throw new CampaignNotFoundError(id);
    return c;
  }

  @Patch(':id')
  async update(@Param('id') id: string, @Body() body: unknown): Promise<Campaign> {
    const c = await this.rt.campaigns.update(id, body);
    await this.rt.cache.refresh();
    return c;
  }

  @Put(':id/pause')
  async pause(@Param('id') id: string): Promise<Campaign> {
    const c = await this.rt.campaigns.setStatus(id, 'paused');
    await this.rt.cache.refresh();
    return c;
  }

  @Put(':id/resume')
  async resume(@Param('id') id: string): Promise<Campaign> {
    const c = await this.rt.campaigns.setStatus(id, 'active');
    await this.rt.cache.refresh();
    return c;
  }

  @Get(':id/report')
  async report(@Param('id') id: string): Promise<CampaignReport> {
    const c = await this.rt.campaigns.get(id);
    if (!c) throw new CampaignNotFoundError(id);
    return campaignReport(this.rt.redis, c);
  }
}
