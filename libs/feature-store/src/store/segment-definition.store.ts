import { z } from 'zod';
import { ValidationError } from '@offerstream/core';
import { RedisKeys, type RedisClient } from '@offerstream/redis';
import { CLUSTER_ID } from '../rules/centroid-matching';
import { ruleSegmentId, ruleSegmentInput, type RuleSegment } from '../rules/rule-segment';

export const clusterNameInput = z
  .object({ name: z.string().trim().min(1).max(80), description: z.string().max(500).optional() })
  .strict();

/** A marketer's name for a learned cluster, stored beside its stable id. */
export interface ClusterName extends z.infer<typeof clusterNameInput> {
  readonly updatedAt: string;
}

const describe = (e: z.ZodError): string =>
  e.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`)
    .join('; ');

/**
 * Rule segment definitions and cluster names in Redis (two hashes in the `{segments}` slot). Reads of the rule
 * list are cached for `cacheMs` (every profile read evaluates them), so a change reaches every instance within it.
 */
export class SegmentDefinitionStore {
  private cached: { at: number; rules: RuleSegment[] } | undefined;

  constructor(
    private readonly redis: RedisClient,
    private readonly cacheMs = 5_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The rule segments as the profile reader evaluates them (cached). */
  async rules(): Promise<RuleSegment[]> {
    const t = this.now();
    if (this.cached && t - this.cached.at < this.cacheMs) return this.cached.rules;
    const rules = await this.listRules();
    this.cached = { at: t, rules };
    return rules;
  }

  /** Every rule segment, read now, ordered by id. */
  async listRules(): Promise<RuleSegment[]> {
    const raw = await this.redis.hgetall(RedisKeys.segmentRules());
    return Object.keys(raw)
      .sort()
      .flatMap((id) => {
        const { updatedAt, ...input } = (parseJson(raw[id]) ?? {}) as { updatedAt?: unknown };
        const parsed = ruleSegmentInput.safeParse(input);
        // A definition that no longer validates (schema tightened) is skipped rather than failing every read.
        return parsed.success
          ? [{ ...parsed.data, id, updatedAt: typeof updatedAt === 'string' ? updatedAt : '' }]
          : [];
      });
  }

  async getRule(id: string): Promise<RuleSegment | undefined> {
    return (await this.listRules()).find((r) => r.id === id);
  }

  /** Creates or replaces a rule segment; invalid input is a ValidationError naming the field. */
  async putRule(id: string, input: unknown): Promise<RuleSegment> {
    const okId = ruleSegmentId.safeParse(id);
    if (!okId.success) throw new ValidationError(`id: ${okId.error.issues[0]?.message ?? 'invalid'}`);
    const parsed = ruleSegmentInput.safeParse(input);
    if (!parsed.success) throw new ValidationError(describe(parsed.error));
    const updatedAt = new Date(this.now()).toISOString();
    await this.redis.hset(RedisKeys.segmentRules(), id, JSON.stringify({ ...parsed.data, updatedAt }));
    const rule: RuleSegment = { ...parsed.data, id, updatedAt };
    this.cached = undefined;
    return rule;
  }

  async deleteRule(id: string): Promise<boolean> {
    this.cached = undefined;
    return (await this.redis.hdel(RedisKeys.segmentRules(), id)) === 1;
  }

  async clusterNames(): Promise<Record<string, ClusterName>> {
    const raw = await this.redis.hgetall(RedisKeys.segmentNames());
    const out: Record<string, ClusterName> = {};
    for (const [id, json] of Object.entries(raw)) {
      const v = parseJson(json) as ClusterName | undefined;
      if (v && typeof v.name === 'string') out[id] = v;
    }
    return out;
  }

  async nameCluster(id: string, input: unknown): Promise<ClusterName> {
    if (!CLUSTER_ID.test(id)) throw new ValidationError('id: a cluster id like c3');
    const parsed = clusterNameInput.safeParse(input);
    if (!parsed.success) throw new ValidationError(describe(parsed.error));
    const named: ClusterName = { ...parsed.data, updatedAt: new Date(this.now()).toISOString() };
    await this.redis.hset(RedisKeys.segmentNames(), id, JSON.stringify(named));
    return named;
  }
}

function parseJson(s: string | undefined): unknown {
  if (s === undefined) return undefined;
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}
