import { rangeOf } from './behaviour-segments';
import { sigmoid } from './penalized-logit';

/**
 * A logit offset per combination of behaviour ranges (one range of each segment group) and action. The segments
 * summarize behaviour in a handful of kinds, and where two kinds that want different offers share a segment (the
 * discount- and the shipping-persuadable on the default market, docs/benchmarks.md) every action's effect there is
 * their mix; the combinations of ranges still tell them apart in part. Each offset is what the fitted model gets wrong
 * on that combination's decisions of that action, shrunk toward 0 by a prior strength chosen by cross-validation, so a
 * combination with few decisions keeps the model's own estimate and none is fitted where no strength helps.
 */
export interface RangeOffsets {
  /** Feature indexes of each group of one-hot range indicators, in the raw context (the segment groups). */
  readonly groups: number[][];
  /** Prior strength, in decisions, the offsets were shrunk with. */
  readonly strength: number;
  /** Per combination (range index of each group, comma-joined), per action, the offset on the action's logit. */
  readonly offsets: Record<string, Record<string, number>>;
}

/** Prior strengths the cross-validation chooses from. */
export const RANGE_OFFSET_STRENGTHS: readonly number[] = [10, 30, 100, 300, 1000];
const FOLDS = 4;

/** One fitted decision: its raw context, action, outcome and the fitted model's P(purchase) for it. */
export interface FittedDecision {
  readonly context: readonly number[];
  readonly action: string;
  readonly converted: boolean;
  readonly p: number;
}

export function rangeCombination(groups: readonly (readonly number[])[], x: readonly number[]): string {
  return groups.map((g) => rangeOf(x, g)).join(',');
}

/** The offset of an action's logit at context x (0 without offsets or for a combination never fitted). */
export function rangeOffset(model: RangeOffsets | undefined, x: readonly number[], action: string): number {
  if (!model) return 0;
  return model.offsets[rangeCombination(model.groups, x)]?.[action] ?? 0;
}

const clampP = (p: number): number => Math.min(1 - 1e-9, Math.max(1e-9, p));
const logLik = (p: number, y: boolean): number => Math.log(clampP(y ? p : 1 - p));

/** A combination's decisions of one action: the model's logits and the outcomes. */
interface Cell {
  readonly etas: number[];
  readonly ys: boolean[];
}

function cells(rows: readonly { key: string; eta: number; y: boolean }[]): Map<string, Cell> {
  const out = new Map<string, Cell>();
  for (const r of rows) {
    const c = out.get(r.key) ?? { etas: [], ys: [] };
    c.etas.push(r.eta);
    c.ys.push(r.y);
    out.set(r.key, c);
  }
  return out;
}

const MAX_STEPS = 25;

/**
 * The offset that maximizes the cell's log-likelihood with a normal prior of precision `strength` around 0, by
 * Newton's method (concave in one dimension, so it converges). One step from 0 is the score over the information,
 * which overshoots where the model is far off and its P is small (a 20% model on a 60% cell steps to 2.5, not 1.79).
 */
export function cellOffset(etas: readonly number[], ys: readonly boolean[], strength: number): number {
  let o = 0;
  for (let step = 0; step < MAX_STEPS; step++) {
    let score = -strength * o;
    let information = strength;
    etas.forEach((eta, i) => {
      const p = sigmoid(eta + o);
      score += (ys[i] ? 1 : 0) - p;
      information += p * (1 - p);
    });
    // A step of at most 2 on the logit keeps Newton from overshooting on a cell far from the model.
    const move = Math.max(-2, Math.min(2, score / information));
    o += move;
    if (Math.abs(move) < 1e-6) break;
  }
  return o;
}

/**
 * Offsets of a fitted model, their strength chosen by the held-out log-likelihood over folds of the decisions;
 * undefined when no strength beats no offsets. The model itself was fitted on every fold, which favours no offsets:
 * the choice errs toward the model.
 */
export function fitRangeOffsets(
  decisions: readonly FittedDecision[],
  groups: readonly (readonly number[])[],
  strengths: readonly number[] = RANGE_OFFSET_STRENGTHS,
): RangeOffsets | undefined {
  const rows = decisions.map((d, i) => {
    const p = clampP(d.p);
    return {
      key: `${rangeCombination(groups, d.context)}\t${d.action}`,
      p,
      eta: Math.log(p / (1 - p)),
      y: d.converted,
      fold: i % FOLDS,
    };
  });
  const scores = strengths.map(() => 0);
  let none = 0;
  for (let f = 0; f < FOLDS; f++) {
    const fitted = cells(rows.filter((r) => r.fold !== f));
    const offsets = new Map<string, number[]>();
    for (const [key, c] of fitted)
      offsets.set(
        key,
        strengths.map((s) => cellOffset(c.etas, c.ys, s)),
      );
    for (const r of rows) {
      if (r.fold !== f) continue;
      none += logLik(r.p, r.y);
      const o = offsets.get(r.key);
      strengths.forEach((_, j) => {
        scores[j] = (scores[j] as number) + logLik(sigmoid(r.eta + (o?.[j] ?? 0)), r.y);
      });
    }
  }
  const best = scores.reduce((b, v, j) => (v > (scores[b] as number) ? j : b), 0);
  if (!((scores[best] as number) > none)) return undefined;
  const strength = strengths[best] as number;
  const offsets: Record<string, Record<string, number>> = {};
  for (const [key, c] of cells(rows)) {
    const tab = key.indexOf('\t');
    (offsets[key.slice(0, tab)] ??= {})[key.slice(tab + 1)] = cellOffset(c.etas, c.ys, strength);
  }
  return { groups: groups.map((g) => [...g]), strength, offsets };
}
