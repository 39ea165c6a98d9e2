import { join } from 'node:path';
import { laplace, OfferStreamError, ValidationError, type Rng } from '@offerstream/core';
import { loadLuaScripts, RedisKeys, runLua, type RedisClient } from '@offerstream/redis';
import type { Campaign } from '../campaign/campaign.schema';
import type { JoinedDecision } from '../learning/decision-outcome.store';

/**
 * L1 sensitivity of everything a private report releases. One user is in one group (treated or holdout: +1 customer,
 * at most +1 conversion) and in one segment cell (+1 user, at most +1 converter): adding or removing a user moves
 * the released vector by at most 4.
 */
export const PRIVATE_REPORT_SENSITIVITY = 4;
/** The cell of users whose segment is not one of the report's segments, or who have none. */
export const OTHER_SEGMENT = 'other';

export interface NoisyCell {
  /** Noisy counts, rounded and floored at 0 (post-processing: no privacy cost). */
  readonly users: number;
  readonly conversions: number;
  /** conversions / users of the noisy counts, clamped to [0, 1]; null when the noisy users are 0. */
  readonly conversionRate: number | null;
}

export interface PrivateCampaignReport {
  readonly campaignId: string;
  readonly mechanism: 'laplace';
  /** What this export spent, and what is left of the campaign's budget after it. */
  readonly epsilon: number;
  readonly epsilonRemaining: number;
  readonly sensitivity: number;
  /** Laplace scale b = sensitivity / epsilon; each count's noise has standard deviation b·√2. */
  readonly noiseScale: number;
  readonly groups: { readonly treated: NoisyCell; readonly holdout: NoisyCell };
  /** Per segment: users by the segment of their latest joined decision, converters among them. */
  readonly segments: Readonly<Record<string, NoisyCell>>;
}

export class PrivacyBudgetExhaustedError extends OfferStreamError {
  constructor(campaignId: string, epsilon: number, spent: number, budget: number) {
    super(
      'PRIVACY_BUDGET_CONFLICT',
      `the private report of campaign ${campaignId} cannot spend epsilon ${epsilon}: ` +
        `${round6(spent)} of its budget ${budget} is spent`,
      { context: { campaignId, epsilon, spent: round6(spent), budget } },
    );
  }
}

const MICRO = 1_000_000;
const round6 = (x: number): number => Math.round(x * MICRO) / MICRO;

/**
 * Exports a campaign's counts and conversion rates (treated and holdout, and per segment) with differential privacy:
 * Laplace noise of scale Δ/ε on every count, ε taken from the campaign's budget in Redis first (one script, so
 * concurrent exports cannot overspend it). Once the budget is spent, exports are refused: the sum of the ε of
 * every export is what the campaign's figures are protected at (sequential composition).
 */
export class PrivateReports {
  constructor(
    private readonly redis: RedisClient,
    /** The whole ε budget of one campaign's exports, over the campaign's life. */
    private readonly budget: number,
    /** Uniform source of the noise: secureRandom in a service, a seeded one in tests. */
    private readonly rng: Rng,
  ) {
    loadLuaScripts(redis, join(__dirname, '..', 'lua'));
  }

  async export(
    c: Campaign,
    joined: readonly JoinedDecision[],
    epsilon: number,
    segments: readonly string[] = c.eligibility.segments,
  ): Promise<PrivateCampaignReport> {
    if (!Number.isFinite(epsilon) || epsilon <= 0 || epsilon > this.budget) {
      throw new ValidationError(`epsilon must be above 0 and at most the report budget ${this.budget}`);
    }
    if (segments.includes(OTHER_SEGMENT)) throw new ValidationError(`"${OTHER_SEGMENT}" is not a segment name`);
    // Spent before anything is read: a failure afterwards wastes budget but can never release figures unpaid.
    const [ok, spent] = await runLua<[number, number]>(
      this.redis,
      'spendPrivacyBudget',
      [RedisKeys.campaign.privacyBudget(c.id)],
      [Math.round(epsilon * MICRO), Math.round(this.budget * MICRO)],
    );
    if (ok !== 1) throw new PrivacyBudgetExhaustedError(c.id, epsilon, spent / MICRO, this.budget);
    const figures = await this.redis.hgetall(RedisKeys.campaign.stats(c.id));
    const b = PRIVATE_REPORT_SENSITIVITY / epsilon;
    const noisy = (users: number, conversions: number): NoisyCell => noisyCell(users, conversions, b, this.rng);
    const count = (k: string): number => Number(figures[k] ?? 0);
    const cells = segmentCells(joined, c.id, segments);
    return {
      campaignId: c.id,
      mechanism: 'laplace',
      epsilon,
      epsilonRemaining: round6(this.budget - spent / MICRO),
      sensitivity: PRIVATE_REPORT_SENSITIVITY,
      noiseScale: b,
      groups: {
        treated: noisy(count('members:T'), Math.min(count('conversions:T'), count('members:T'))),
        holdout: noisy(count('members:H'), Math.min(count('conversions:H'), count('members:H'))),
      },
      segments: Object.fromEntries([...cells].map(([s, v]) => [s, noisy(v.users, v.conversions)])),
    };
  }
}

function noisyCell(users: number, conversions: number, scale: number, rng: Rng): NoisyCell {
  const u = Math.max(0, Math.round(users + laplace(rng, scale)));
  const k = Math.max(0, Math.round(conversions + laplace(rng, scale)));
  return { users: u, conversions: k, conversionRate: u > 0 ? Math.min(1, k / u) : null };
}

/**
 * True counts per segment, over a domain fixed before looking at the data (the given segments plus "other"), so
 * that which cells appear reveals nothing. Each user counts once, in the segment of their latest decision, and
 * converts when any of their decisions of the campaign was followed by a purchase.
 */
export function segmentCells(
  joined: readonly JoinedDecision[],
  campaignId: string,
  segments: readonly string[],
): Map<string, { users: number; conversions: number }> {
  const domain = new Set(segments);
  const latest = new Map<string, { at: number; segment: string; converted: boolean }>();
  for (const d of joined) {
    if (d.campaignId !== campaignId) continue;
    const prev = latest.get(d.userId);
    const converted = (prev?.converted ?? false) || d.converted === true || d.reward > 0;
    const newer = !prev || d.decidedAt >= prev.at;
    const segment = d.segment !== undefined && domain.has(d.segment) ? d.segment : OTHER_SEGMENT;
    latest.set(d.userId, {
      at: newer ? d.decidedAt : (prev?.at ?? d.decidedAt),
      segment: newer ? segment : (prev?.segment ?? segment),
      converted,
    });
  }
  const cells = new Map<string, { users: number; conversions: number }>(
    [...segments, OTHER_SEGMENT].map((s) => [s, { users: 0, conversions: 0 }]),
  );
  for (const u of latest.values()) {
    const cell = cells.get(u.segment);
    if (!cell) continue;
    cell.users += 1;
    if (u.converted) cell.conversions += 1;
  }
  return cells;
}
