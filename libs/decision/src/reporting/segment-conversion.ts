import type { JoinedDecision } from '../learning/decision-outcome.store';

export interface ConversionCell {
  readonly decisions: number;
  /** Decisions followed by a purchase credited to them within the attribution window. */
  readonly converted: number;
}

export interface SegmentConversion {
  /** Decisions that made an offer. */
  readonly offered: ConversionCell;
  /** Holdout and no-offer decisions: what the segment does without an offer (the holdout alone is unbiased). */
  readonly notOffered: ConversionCell;
  readonly holdout: ConversionCell;
}

/**
 * Conversion per segment from the joined decision log: each decision counts under the learned cluster the user was in
 * when it was made (the log keeps that one segment per decision; rule-segment membership is not logged).
 */
export function conversionBySegment(decisions: readonly JoinedDecision[]): Record<string, SegmentConversion> {
  const cells = new Map<string, { offered: number[]; notOffered: number[]; holdout: number[] }>();
  for (const d of decisions) {
    if (d.segment === undefined) continue;
    const c = cells.get(d.segment) ?? { offered: [0, 0], notOffered: [0, 0], holdout: [0, 0] };
    const hit = (d.converted ?? d.reward > 0) ? 1 : 0;
    const add = (cell: number[]): void => {
      cell[0] = (cell[0] ?? 0) + 1;
      cell[1] = (cell[1] ?? 0) + hit;
    };
    if (d.action !== 'none' && !d.holdout) add(c.offered);
    else add(c.notOffered);
    if (d.holdout) add(c.holdout);
    cells.set(d.segment, c);
  }
  const cell = ([decisions, converted]: number[]): ConversionCell => ({
    decisions: decisions ?? 0,
    converted: converted ?? 0,
  });
  return Object.fromEntries(
    [...cells].map(([s, c]) => [
      s,
      { offered: cell(c.offered), notOffered: cell(c.notOffered), holdout: cell(c.holdout) },
    ]),
  );
}
