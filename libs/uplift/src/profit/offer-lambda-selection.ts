import { stratifiedFolds } from '../model/cross-fitting';
import type { LoggedDecision } from '../ope/off-policy-estimators';
import { fitLogit } from './penalized-logit';
import { CONTROL_ACTION } from './reward-model';

const FOLDS = 3;

export interface OfferLambdaSelection {
  readonly lambda: number;
  /** Mean held-out deviance per offer example of every candidate, keyed by its value. */
  readonly deviance?: Readonly<Record<string, number>>;
}

/**
 * How strongly offers are shrunk toward no offer, chosen on the training examples alone: k-fold cross-validated
 * deviance of the offer actions' purchase predictions (each fold's no-offer model and offer models fitted without it).
 * One-standard-error rule: the strongest shrinkage (the simplest model, closest to "offers change nothing") whose
 * deviance is within one standard error of the best, so a weaker prior is taken only when its gain holds across folds.
 */
export function selectOfferLambda(
  examples: readonly LoggedDecision[],
  rows: readonly number[][],
  weights: readonly number[],
  grid: readonly number[],
  lambda: number,
): OfferLambdaSelection {
  const offers = [...new Set(examples.map((e) => e.action))].filter((a) => a !== CONTROL_ACTION).sort();
  const strata = Int32Array.from(examples, (e) => offers.indexOf(e.action) + 1);
  const fold = stratifiedFolds(strata, FOLDS, 17);
  const p = rows[0]?.length ?? 1;
  const candidates = [...grid].sort((a, b) => b - a);
  // perFold[c][f]: deviance sum and count of candidate c on fold f's offer examples.
  const perFold = candidates.map(() => Array.from({ length: FOLDS }, () => ({ sum: 0, n: 0 })));
  for (let f = 0; f < FOLDS; f++) {
    const train = (action: string): number[] =>
      examples.flatMap((e, i) => (fold[i] !== f && e.action === action ? [i] : []));
    const fit = (idx: number[], prior: readonly number[], lam: number): number[] =>
      fitLogit(
        idx.map((i) => rows[i] as number[]),
        idx.map((i) => examples[i]?.converted === true),
        idx.map((i) => weights[i] as number),
        prior,
        lam,
      ).coefficients;
    const none = fit(train(CONTROL_ACTION), new Array<number>(p).fill(0), lambda);
    for (const action of offers) {
      const idx = train(action);
      const test = examples.flatMap((e, i) => (fold[i] === f && e.action === action ? [i] : []));
      candidates.forEach((lam, c) => {
        const beta = fit(idx, none, lam);
        const cell = perFold[c]?.[f];
        if (!cell) return;
        for (const i of test) {
          const z = rows[i] as number[];
          let eta = 0;
          for (let r = 0; r < p; r++) eta += (beta[r] as number) * (z[r] as number);
          const mu = Math.min(1 - 1e-9, Math.max(1e-9, 1 / (1 + Math.exp(-eta))));
          cell.sum += -2 * (examples[i]?.converted ? Math.log(mu) : Math.log(1 - mu));
          cell.n++;
        }
      });
    }
  }
  const stats = perFold.map((folds) => {
    const per = folds.filter((x) => x.n > 0).map((x) => x.sum / x.n);
    const mean = per.reduce((s, v) => s + v, 0) / Math.max(1, per.length);
    const sd = Math.sqrt(per.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, per.length - 1));
    return { mean, se: sd / Math.sqrt(Math.max(1, per.length)) };
  });
  if (stats.some((s) => !Number.isFinite(s.mean))) return { lambda: candidates[0] as number };
  let best = 0;
  stats.forEach((s, c) => {
    if (s.mean < (stats[best] as { mean: number }).mean) best = c;
  });
  const bound = (stats[best] as { mean: number; se: number }).mean + (stats[best] as { se: number }).se;
  // Candidates run from strongest to weakest shrinkage: the first within one SE of the best is the simplest.
  const chosen = stats.findIndex((s) => s.mean <= bound);
  return {
    lambda: candidates[chosen] as number,
    deviance: Object.fromEntries(candidates.map((l, c) => [String(l), stats[c]?.mean ?? NaN])),
  };
}
