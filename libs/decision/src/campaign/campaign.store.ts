import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { OfferStreamError, TransientError, ValidationError } from '@offerstream/core';
import { loadLuaScripts, RedisKeys, runLua, type RedisClient } from '@offerstream/redis';
import { toCents } from '../guardrails/reservation.store';
import {
  campaign as campaignSchema,
  campaignCreate,
  campaignUpdate,
  describeIssues,
  mergeCampaign,
  type Campaign,
} from './campaign.schema';

export class CampaignNotFoundError extends OfferStreamError {
  constructor(id: string) {
    super('CAMPAIGN_NOT_FOUND', `campaign ${id} does not exist`, { context: { id } });
  }
}

export class CampaignConflictError extends OfferStreamError {
  constructor(id: string, message: string) {
    super('CAMPAIGN_CONFLICT', message, { context: { id } });
  }
}

/**
 * Campaign definitions in Redis (one JSON string each, an index set and a change counter, all in the
 * `{campaigns}` slot). Writes are compare-and-set on the stored version, so two operators editing at once
 * cannot silently overwrite each other. Budget limits and pause state are mirrored into each budget's own slot.
 */
export class CampaignStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly now: () => Date = () => new Date(),
  ) {
    loadLuaScripts(redis, join(__dirname, '..', 'lua'));
  }

  async create(input: unknown): Promise<Campaign> {
    const parsed = campaignCreate.safeParse(input);
    if (!parsed.success) throw new ValidationError(describeIssues(parsed.error));
    const { id, ...fields } = parsed.data;
    const now = this.now().toISOString();
    const c = campaignSchema.parse({ ...fields, id: id ?? randomUUID(), version: 1, createdAt: now, updatedAt: now });
    await this.put(c, 0);
    return c;
  }

  async update(id: string, input: unknown): Promise<Campaign> {
    const parsed = campaignUpdate.safeParse(input);
    if (!parsed.success) throw new ValidationError(describeIssues(parsed.error));
    const current = await this.get(id);
    if (!current) throw new CampaignNotFoundError(id);
    let next: Campaign;
    try {
      next = mergeCampaign(current, parsed.data, this.now());
    } catch (e) {
      if (e instanceof Error && 'issues' in e) throw new ValidationError(e.message);
      throw e;
    }
    await this.put(next, current.version);
    return next;
  }

  async setStatus(id: string, status: Campaign['status']): Promise<Campaign> {
    return this.update(id, { status });
  }

  async get(id: string): Promise<Campaign | undefined> {
    const raw = await this.redis.get(RedisKeys.campaign.definition(id));
    return raw === null ? undefined : campaignSchema.parse(JSON.parse(raw));
  }

  async list(): Promise<Campaign[]> {
    const ids = await this.redis.smembers(RedisKeys.campaign.index());
    if (ids.length === 0) return [];
    const raws = await Promise.all(ids.map((id) => this.redis.get(RedisKeys.campaign.definition(id))));
    return raws.flatMap((r) => (r === null ? [] : [campaignSchema.parse(JSON.parse(r))])).sort(byPriority);
  }

  /** Monotonic counter bumped by every write; pollers reload only when it moved. */
  async changeCounter(): Promise<number> {
    return Number((await this.redis.get(RedisKeys.campaign.changes())) ?? 0);
  }

  private async put(c: Campaign, expectedVersion: number): Promise<void> {
    let r: number;
    try {
      r = await runLua<number>(
        this.redis,
        'putCampaign',
        [RedisKeys.campaign.definition(c.id), RedisKeys.campaign.index(), RedisKeys.campaign.changes()],
        [c.id, JSON.stringify(c), expectedVersion, c.version],
      );
    } catch (e) {
      throw new TransientError('REDIS_WRITE_FAILED', `could not save campaign ${c.id}`, e);
    }
    if (r === -1) throw new CampaignConflictError(c.id, `campaign ${c.id} already exists`);
    if (r === -2) throw new CampaignConflictError(c.id, `campaign ${c.id} was changed concurrently; retry`);
    if (r === -3) throw new CampaignNotFoundError(c.id);
    // Before the API answers: the change binds every instance's next reservation (a failure here is repaired by
    // every instance's cache when it loads the new definition, see CampaignCache).
    await this.mirrorLimits(c);
  }

  /**
   * Mirrors the campaign's budget limits and pause state into its budget slot, where the reservation script reads
   * them atomically (see reserve-offer-7.lua); only a newer definition version replaces what is there.
   */
  async mirrorLimits(c: Campaign): Promise<void> {
    try {
      await runLua<number>(
        this.redis,
        'putBudgetLimits',
        [RedisKeys.campaign.budgetLimits(c.id)],
        [
          c.version,
          toCents(c.budget.spend),
          c.budget.count,
          c.status,
          c.endsAt === undefined ? 0 : Date.parse(c.endsAt),
        ],
      );
    } catch (e) {
      throw new TransientError('REDIS_WRITE_FAILED', `could not mirror the budget limits of campaign ${c.id}`, e);
    }
  }
}

export const byPriority = (a: Campaign, b: Campaign): number => a.priority - b.priority || a.id.localeCompare(b.id);
