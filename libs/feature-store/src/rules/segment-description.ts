import type { UserProfile } from '../feature-store.reader';
import { strongestPriceBand } from './rule-segment';

const DAY_MS = 86_400_000;

/** How a segment differs from the population on one readable feature. */
export interface FeatureContrast {
  readonly feature: string;
  /** (segment mean - population mean) / population standard deviation. */
  readonly z: number;
  readonly mean: number;
  readonly population: number;
}

/** What the segment job stores about each segment it measured on its sample. */
export interface SegmentFigures {
  readonly size: number;
  /** Share of the segment's sampled users who bought at least once. */
  readonly buyerShare: number;
  /** The features that set it apart most, largest |z| first (learned clusters only). */
  readonly top?: readonly FeatureContrast[];
}

/**
 * Readable facts of one profile, the vocabulary a cluster is described in (the clustering itself runs on the
 * opaque content vector): RFM, activity, and the share of interest per category and price band.
 */
export function profileFacts(p: UserProfile, now: number): Map<string, number> {
  const f = new Map<string, number>([
    ['purchases', p.rfm.frequency],
    ['spend', p.rfm.monetary],
    ['boughtBefore', p.rfm.frequency > 0 ? 1 : 0],
    ['daysSinceSeen', Math.max(0, now - p.updatedAt) / DAY_MS],
    ['events', p.eventCount],
    ['cartItems', p.session.cart.length],
  ]);
  const total = Object.values(p.categories).reduce((s, w) => s + Math.max(0, w), 0);
  if (total > 0) for (const [c, w] of Object.entries(p.categories)) if (w > 0) f.set(`category:${c}`, w / total);
  const band = strongestPriceBand(p.priceBands);
  if (band !== null) f.set(`priceBand:${band}`, 1);
  return f;
}

/**
 * The features each group differs most on, as z-scores against the whole sample. Features held by fewer than
 * `minSupport` of the sample are skipped: a category three users touched would otherwise top every list.
 */
export function describeGroups(
  facts: readonly Map<string, number>[],
  groupOf: (i: number) => number,
  groups: number,
  opts: { top?: number; minSupport?: number } = {},
): FeatureContrast[][] {
  const n = facts.length;
  const top = opts.top ?? 5;
  const minCount = Math.max(1, Math.ceil((opts.minSupport ?? 0.02) * n));
  const sum = new Map<string, number>();
  const sumSq = new Map<string, number>();
  const count = new Map<string, number>();
  const groupSum = Array.from({ length: groups }, () => new Map<string, number>());
  const groupSize = new Array<number>(groups).fill(0);
  facts.forEach((row, i) => {
    const g = groupOf(i);
    groupSize[g] = (groupSize[g] ?? 0) + 1;
    for (const [k, v] of row) {
      sum.set(k, (sum.get(k) ?? 0) + v);
      sumSq.set(k, (sumSq.get(k) ?? 0) + v * v);
      if (v !== 0) count.set(k, (count.get(k) ?? 0) + 1);
      const gs = groupSum[g];
      if (gs) gs.set(k, (gs.get(k) ?? 0) + v);
    }
  });
  return groupSum.map((gs, g) => {
    const size = groupSize[g] ?? 0;
    if (size === 0) return [];
    const out: FeatureContrast[] = [];
    for (const [k, s] of sum) {
      if ((count.get(k) ?? 0) < minCount) continue;
      const mean = s / n;
      const sd = Math.sqrt(Math.max(0, (sumSq.get(k) ?? 0) / n - mean * mean));
      if (!(sd > 1e-12)) continue;
      // Absent features are 0 for the user (no interest in that category), so the group mean divides by its size.
      const gm = (gs.get(k) ?? 0) / size;
      out.push({ feature: k, z: round((gm - mean) / sd), mean: round(gm), population: round(mean) });
    }
    return out.sort((a, b) => Math.abs(b.z) - Math.abs(a.z) || a.feature.localeCompare(b.feature)).slice(0, top);
  });
}

const round = (x: number): number => Math.round(x * 1000) / 1000;
