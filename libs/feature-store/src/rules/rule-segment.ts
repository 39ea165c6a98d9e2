import { z } from 'zod';
import { consentPurpose } from '@offerstream/contracts';
import type { UserProfile } from '../feature-store.reader';
import { CLUSTER_ID } from './centroid-matching';

const DAY_MS = 86_400_000;

const range = (what: string) =>
  z
    .object({ min: z.number().finite().min(0).optional(), max: z.number().finite().min(0).optional() })
    .strict()
    .refine((r) => r.min !== undefined || r.max !== undefined, { message: `${what}: give min, max or both` })
    .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, {
      message: `${what}: min must not exceed max`,
    });

/**
 * What a rule segment asks of a profile; every condition given must hold. Ranges are inclusive. Built from the
 * profile alone, so membership is evaluated on every read and never goes stale.
 */
export const segmentConditions = z
  .object({
    /** Days since the last purchase (R of RFM); a user who never bought does not match. */
    recencyDays: range('recencyDays').optional(),
    /** Purchases (F) and spend (M). */
    frequency: range('frequency').optional(),
    monetary: range('monetary').optional(),
    /** Days since the user's latest event of any kind. */
    lastSeenDays: range('lastSeenDays').optional(),
    /** Share of the user's (positive, decayed) category interest that falls on any of these categories. */
    categoryAffinity: z
      .object({
        categories: z.array(z.string().min(1).max(200)).min(1).max(20),
        minShare: z.number().min(0).max(1).default(0.2),
      })
      .strict()
      .optional(),
    /** The user's strongest price band is one of these labels (FS_PRICE_BANDS, e.g. "25-50" or "500+"). */
    priceBands: z.array(z.string().min(1).max(20)).min(1).max(20).optional(),
    /** Churn risk in [0, 1] predicted from RFM (see churnRisk); users who never bought have none and do not match. */
    churnRisk: range('churnRisk').optional(),
    /** Every purpose listed has been explicitly granted. */
    consent: z.array(consentPurpose).min(1).max(4).optional(),
    /** The user's learned cluster is one of these stable ids. */
    clusters: z.array(z.string().regex(CLUSTER_ID, 'a cluster id like c3')).min(1).max(50).optional(),
    /** Anonymous visitors only (true) or signed-in users only (false). */
    anonymous: z.boolean().optional(),
  })
  .strict()
  .refine((c) => Object.values(c).some((v) => v !== undefined), { message: 'give at least one condition' });

export type SegmentConditions = z.infer<typeof segmentConditions>;

/** Rule segment ids share the campaign's `segments` list with cluster ids, so they may not look like `c3`. */
export const ruleSegmentId = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,47}$/, 'lowercase letters, digits, "_" or "-", starting with a letter, at most 48')
  .refine((s) => !CLUSTER_ID.test(s), { message: 'ids like c3 are learned clusters' });

export const ruleSegmentInput = z
  .object({
    name: z.string().trim().min(1).max(80),
    description: z.string().max(500).optional(),
    conditions: segmentConditions,
  })
  .strict();

export type RuleSegmentInput = z.infer<typeof ruleSegmentInput>;

export interface RuleSegment extends RuleSegmentInput {
  readonly id: string;
  readonly updatedAt: string;
}

const within = (v: number, r: { min?: number | undefined; max?: number | undefined }): boolean =>
  (r.min === undefined || v >= r.min) && (r.max === undefined || v <= r.max);

/**
 * Probability that a buyer has lapsed, from RFM alone: purchases as a Poisson process at the user's own rate
 * (purchases over tenure), so the chance of no purchase in the days since the last one is exp(-rate * recency).
 * A heuristic, not a fitted model; null for a user who never bought.
 */
export function churnRisk(p: Pick<UserProfile, 'rfm' | 'firstSeenAt' | 'updatedAt'>, now: number): number | null {
  const { recencyDays, frequency } = p.rfm;
  if (recencyDays === null || frequency <= 0) return null;
  const tenureDays = Math.max(1, (Math.max(now, p.updatedAt) - p.firstSeenAt) / DAY_MS);
  return 1 - Math.exp(-(frequency / tenureDays) * recencyDays);
}

/** Label of the price band holding most of the user's interest, or null without any. */
export function strongestPriceBand(bands: Readonly<Record<string, number>>): string | null {
  let best: string | null = null;
  let bestW = 0;
  for (const [label, w] of Object.entries(bands))
    if (w > bestW) {
      best = label;
      bestW = w;
    }
  return best;
}

export function categoryShare(categories: Readonly<Record<string, number>>, wanted: readonly string[]): number {
  let total = 0;
  let hit = 0;
  const set = new Set(wanted);
  for (const [c, w] of Object.entries(categories)) {
    if (!(w > 0)) continue;
    total += w;
    if (set.has(c)) hit += w;
  }
  return total > 0 ? hit / total : 0;
}

/** Whether the profile meets every condition given. */
export function matchesConditions(p: UserProfile, c: SegmentConditions, now: number): boolean {
  if (c.anonymous !== undefined && p.anonymous !== c.anonymous) return false;
  if (c.recencyDays && (p.rfm.recencyDays === null || !within(p.rfm.recencyDays, c.recencyDays))) return false;
  if (c.frequency && !within(p.rfm.frequency, c.frequency)) return false;
  if (c.monetary && !within(p.rfm.monetary, c.monetary)) return false;
  if (c.lastSeenDays && !within(Math.max(0, now - p.updatedAt) / DAY_MS, c.lastSeenDays)) return false;
  if (c.categoryAffinity && categoryShare(p.categories, c.categoryAffinity.categories) < c.categoryAffinity.minShare)
    return false;
  if (c.priceBands) {
    const band = strongestPriceBand(p.priceBands);
    if (band === null || !c.priceBands.includes(band)) return false;
  }
  if (c.churnRisk) {
    const risk = churnRisk(p, now);
    if (risk === null || !within(risk, c.churnRisk)) return false;
  }
  if (c.consent && !c.consent.every((purpose) => p.consent[purpose]?.granted === true)) return false;
  if (c.clusters && (p.segment === null || !c.clusters.includes(p.segment))) return false;
  return true;
}

/** Ids of the rule segments the profile belongs to, in the definitions' order. */
export function ruleSegmentsOf(p: UserProfile, defs: readonly RuleSegment[], now: number): string[] {
  return defs.filter((d) => matchesConditions(p, d.conditions, now)).map((d) => d.id);
}
