import { stratifiedFolds } from '../model/cross-fitting';
import type { LoggedDecision } from '../ope/off-policy-estimators';
import { nonePrecision, offerPrecision, type OfferDesign } from './offer-design';
import { fitLogit } from './penalized-logit';
import { CONTROL_ACTION } from './reward-model';

const FOLDS = 3;

/**
 * The prior strengths of the offer models: the pooled "any offer" level around no offer, each offer around it, and
 * the share of those strengths on the intercept and baseline bins (OfferDesign.weakShrinkage).
 */
export interface Shrinkage {
  readonly pool: number;
  readonly offer: number;
  readonly weak: number;
}

export interface ShrinkageSelection extends Shrinkage {
  /** Mean held-out deviance per offer example of every candidate, keyed `pool/offer/weak`. */
  readonly deviance?: Readonly<Record<string, number>>;
}

/**
 * Prior variance of an offer's coefficients around no offer's (the features' plus the weak coefficients'): the
 * smaller, the closer to "offers change nothing".
 */
const spread = (s: Shrinkage): number => (1 / s.pool + 1 / s.offer) * (1 + 1 / s.weak);

/** Indices of the examples of these actions, optionally only those in (or out of) one fold. */
type Pick = (actions: ReadonlySet<string>, fold: { in?: number; out?: number }) => number[];

/**
 * The offer models as fitted for one candidate pair: no offer first, then every offer pooled (what any offer does to
 * the odds of buying, learned from all offer decisions together), then each offer shrunk toward the pooled level.
 * The pooled level lets a few hundred decisions per offer borrow strength from the others' without forcing them equal.
 */
export function fitOfferLevels(
  pick: Pick,
  fit: (idx: number[], prior: readonly number[], lambda: number | readonly number[]) => number[],
  offers: readonly string[],
  q: number,
  lambda: number,
  s: Shrinkage,
  design: OfferDesign,
  fold: { out?: number } = {},
): { none: number[]; pooled: number[]; byOffer: Record<string, number[]> } {
  const none = fit(pick(new Set([CONTROL_ACTION]), fold), new Array<number>(q).fill(0), nonePrecision(design, lambda));
  const pooled = fit(pick(new Set(offers), fold), none, offerPrecision(design, s.pool));
  const byOffer = Object.fromEntries(
    offers.map((a) => [a, fit(pick(new Set([a]), fold), pooled, offerPrecision(design, s.offer))]),
  );
  return { none, pooled, byOffer };
}

/**
 * How strongly offers are shrunk toward no offer, chosen on the training examples alone: k-fold cross-validated
 * deviance of the offer actions' purchase predictions (each fold's models fitted without it), over every pair of a
 * pooled-level strength and a per-offer strength. One-standard-error rule: among the pairs within one standard error
 * of the best, the one whose offers may stray least from no offer (the simplest model), so a weaker prior is taken
 * only when its gain holds across folds.
 */
export function selectShrinkage(
  examples: readonly LoggedDecision[],
  rows: readonly number[][],
  weights: readonly number[],
  grid: { readonly pool: readonly number[]; readonly offer: readonly number[]; readonly weak: readonly number[] },
  lambda: number,
  design: (weak: number) => OfferDesign,
  effectiveWeights = false,
): ShrinkageSelection {
  const offers = [...new Set(examples.map((e) => e.action))].filter((a) => a !== CONTROL_ACTION).sort();
  const strata = Int32Array.from(examples, (e) => offers.indexOf(e.action) + 1);
  const fold = stratifiedFolds(strata, FOLDS, 17);
  const p = rows[0]?.length ?? 1;
  const pairs = grid.pool.flatMap((pool) =>
    grid.offer.flatMap((offer) => grid.weak.map((weak) => ({ pool, offer, weak }))),
  );
  // Every pair of a fold shares its no-offer fit, and every pair with the same pool strength its pooled fit: both are
  // memoized (by the examples, prior and strength), so the grid costs one fit per offer and pair, not three more.
  const picked = new Map<string, number[]>();
  const pick: Pick = (actions, f) => {
    const key = `${[...actions].sort().join(',')}|${f.in ?? ''}|${f.out ?? ''}`;
    let idx = picked.get(key);
    if (!idx) {
      idx = examples.flatMap((e, i) =>
        actions.has(e.action) && (f.in === undefined || fold[i] === f.in) && (f.out === undefined || fold[i] !== f.out)
          ? [i]
          : [],
      );
      picked.set(key, idx);
    }
    return idx;
  };
  // Keyed by the index array itself: pick hands out one array per subset.
  const fitted = new WeakMap<number[], Map<string, number[]>>();
  const fit = (idx: number[], prior: readonly number[], lam: number | readonly number[]): number[] => {
    const byExamples = fitted.get(idx) ?? new Map<string, number[]>();
    fitted.set(idx, byExamples);
    const key = `${String(lam)}|${prior.join(',')}`;
    const hit = byExamples.get(key);
    if (hit) return hit;
    const beta = fitLogit(
      idx.map((i) => rows[i] as number[]),
      idx.map((i) => examples[i]?.converted === true),
      idx.map((i) => weights[i] as number),
      prior,
      lam,
      effectiveWeights,
    ).coefficients;
    byExamples.set(key, beta);
    return beta;
  };
  // perFold[c][f]: deviance sum and count of pair c on fold f's offer examples.
  const perFold = pairs.map(() => Array.from({ length: FOLDS }, () => ({ sum: 0, n: 0 })));
  for (let f = 0; f < FOLDS; f++) {
    pairs.forEach((pair, c) => {
      const { byOffer } = fitOfferLevels(pick, fit, offers, p, lambda, pair, design(pair.weak), { out: f });
      const cell = perFold[c]?.[f];
      if (!cell) return;
      for (const action of offers)
        for (const i of pick(new Set([action]), { in: f })) {
          const beta = byOffer[action] as number[];
          const z = rows[i] as number[];
          let eta = 0;
          for (let r = 0; r < p; r++) eta += (beta[r] as number) * (z[r] as number);
          const mu = Math.min(1 - 1e-9, Math.max(1e-9, 1 / (1 + Math.exp(-eta))));
          cell.sum += -2 * (examples[i]?.converted ? Math.log(mu) : Math.log(1 - mu));
          cell.n++;
        }
    });
  }
  const stats = perFold.map((folds) => {
    const per = folds.filter((x) => x.n > 0).map((x) => x.sum / x.n);
    const mean = per.reduce((s, v) => s + v, 0) / Math.max(1, per.length);
    const sd = Math.sqrt(per.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, per.length - 1));
    return { mean, se: sd / Math.sqrt(Math.max(1, per.length)) };
  });
  const simplest = [...pairs].sort((a, b) => spread(a) - spread(b) || b.pool - a.pool)[0] as Shrinkage;
  if (stats.some((s) => !Number.isFinite(s.mean))) return simplest;
  let best = 0;
  stats.forEach((s, c) => {
    if (s.mean < (stats[best] as { mean: number }).mean) best = c;
  });
  const bound = (stats[best] as { mean: number; se: number }).mean + (stats[best] as { se: number }).se;
  const chosen = pairs
    .filter((_, c) => (stats[c] as { mean: number }).mean <= bound)
    .sort((a, b) => spread(a) - spread(b) || b.pool - a.pool)[0] as Shrinkage;
  return {
    ...chosen,
    deviance: Object.fromEntries(pairs.map((s, c) => [`${s.pool}/${s.offer}/${s.weak}`, stats[c]?.mean ?? NaN])),
  };
}
