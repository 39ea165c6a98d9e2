import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Put } from '@nestjs/common';
import {
  CampaignCache,
  CampaignNotFoundError,
  campaignReport,
  CampaignStore,
  type Campaign,
  type CampaignReport,
} from '@offerstream/decision';
import { AuditLog, CurrentCaller, REDIS, Roles, type Caller } from '@offerstream/platform';
import type { RedisClient } from '@offerstream/redis';

/**
 * Campaign administration: reads need `reader`, writes `admin`. Every write bumps the change counter that all
 * instances poll, and is audited (key name, time, campaign before and after).
 */
@Controller('campaigns')
@Roles('reader')
export class CampaignsController {
  private readonly audit: AuditLog;

  constructor(
    @Inject(CampaignStore) private readonly campaigns: CampaignStore,
    @Inject(CampaignCache) private readonly cache: CampaignCache,
    @Inject(REDIS) private readonly redis: RedisClient,
  ) {
    this.audit = new AuditLog(redis);
  }

  @Post()
  @Roles('admin')
  @HttpCode(201)
  async create(@Body() body: unknown, @CurrentCaller() caller?: Caller): Promise<Campaign> {
    const c = await this.campaigns.create(body);
    await this.changed(caller, 'campaign.create', c.id, null, c);
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
  @Roles('admin')
  async update(@Param('id') id: string, @Body() body: unknown, @CurrentCaller() caller?: Caller): Promise<Campaign> {
    const before = await this.campaigns.get(id);
    const c = await this.campaigns.update(id, body);
    await this.changed(caller, 'campaign.update', id, before, c);
    return c;
  }

  @Put(':id/pause')
  @Roles('admin')
  async pause(@Param('id') id: string, @CurrentCaller() caller?: Caller): Promise<Campaign> {
    const before = await this.campaigns.get(id);
    const c = await this.campaigns.setStatus(id, 'paused');
    await this.changed(caller, 'campaign.pause', id, before, c);
    return c;
  }

  @Put(':id/resume')
  @Roles('admin')
  async resume(@Param('id') id: string, @CurrentCaller() caller?: Caller): Promise<Campaign> {
    const before = await this.campaigns.get(id);
    const c = await this.campaigns.setStatus(id, 'active');
    await this.changed(caller, 'campaign.resume', id, before, c);
    return c;
  }

  @Get(':id/report')
  async report(@Param('id') id: string): Promise<CampaignReport> {
    const c = await this.campaigns.get(id);
    if (!c) throw new CampaignNotFoundError(id);
    return campaignReport(this.redis, c);
  }

  private async changed(
    caller: Caller | undefined,
    action: string,
    id: string,
    before: Campaign | undefined | null,
    after: Campaign,
  ): Promise<void> {
    // `before` is read just ahead of the write: two admins racing on one campaign may see the same `before`, but each
    // entry's `after` is exactly what its write stored.
    await this.audit.record({ actor: caller?.name ?? 'in-process', action, target: id, before: before ?? null, after });
    await this.cache.refresh();
  }
}
