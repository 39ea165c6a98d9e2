import { ValidationError } from '@offerstream/core';
import { stratifiedFolds } from '../model/cross-fitting';
import { fitSegments, segmentPosterior, type SegmentResponse } from './behaviour-segments';

const FOLDS = 3;
const FOLD_SEED = 29;

export interface SegmentCountChoice {
  readonly count: number;
  /** Mean held-out deviance per offer decision of each candidate count, over the folds. */
  readonly deviance: Readonly<Record<string, number>>;
}

/**
 * How many response segments serve offers best, chosen on the training log alone. AIC weighs a segment by the whole
 * likelihood, behaviour included, and charges it for every behaviour range it has: a kind of shopper that stands
 * apart from its neighbours mainly in how an offer moves it (10% off doubles its purchases) may not pay that, since a
 * hundred offers to it add a few nats and the penalty is some thirty parameters. Serving asks the
 * segments one thing, P(purchase | behaviour, offer), so the counts are compared by that: k-fold, each fold's
 * segments fitted without it, its offer decisions' purchases predicted from behaviour alone as serving does. The
 * smallest count (AIC's) stays unless a larger one predicts better on every fold (the same folds for all, so the
 * comparison is paired): more segments are taken only when their gain holds across folds, and then the best of those.
 */
export function selectSegmentCount(
  contexts: readonly (readonly number[])[],
  groups: readonly (readonly number[])[],
  responses: readonly SegmentResponse[],
  candidates: readonly number[],
  between: readonly (readonly [number, number])[] = [],
  counted?: readonly boolean[],
): SegmentCountChoice {
  const counts = [...new Set(candidates)].sort((a, b) => a - b);
  if (counts.length === 0 || !counts.every((k) => Number.isInteger(k) && k >= 2))
    throw new ValidationError('segment count candidates must be integers >= 2', { candidates });
  if (responses.length !== contexts.length)
    throw new ValidationError('segment count selection needs one response per context', {
      contexts: contexts.length,
      responses: responses.length,
    });
  if (counts.length === 1) return { count: counts[0] as number, deviance: {} };
  const fold = stratifiedFolds(
    Int32Array.from(responses, (r) => r.action),
    FOLDS,
    FOLD_SEED,
  );
  // perFold[c][f]: mean held-out deviance of candidate c's offer predictions on fold f (NaN: no offer decisions there).
  const perFold = counts.map((k) =>
    Array.from({ length: FOLDS }, (_, f) => foldDeviance(contexts, groups, responses, fold, f, k, between, counted)),
  );
  const mean = (v: readonly number[]): number => {
    const ok = v.filter(Number.isFinite);
    return ok.length > 0 ? ok.reduce((a, b) => a + b, 0) / ok.length : Infinity;
  };
  const base = perFold[0] as number[];
  // A larger count must beat the smallest on every fold (the same folds: a paired comparison), not on average.
  const robust = counts
    .map((k, c) => ({ k, dev: perFold[c] as number[] }))
    .filter(({ dev }, c) => c === 0 || dev.every((v, f) => Number.isFinite(v) && v < (base[f] as number)));
  const chosen = robust.reduce((a, b) => (mean(b.dev) < mean(a.dev) ? b : a));
  return { count: chosen.k, deviance: Object.fromEntries(counts.map((k, c) => [String(k), mean(perFold[c] ?? [])])) };
}

/** Mean deviance of fold f's offer decisions' purchases, predicted from behaviour by k segments fitted without f. */
function foldDeviance(
  contexts: readonly (readonly number[])[],
  groups: readonly (readonly number[])[],
  responses: readonly SegmentResponse[],
  fold: Int32Array,
  f: number,
  k: number,
  between: readonly (readonly [number, number])[],
  counted: readonly boolean[] | undefined,
): number {
  const train = contexts.flatMap((_, i) => (fold[i] === f ? [] : [i]));
  const model = fitSegments(
    train.map((i) => contexts[i] as number[]),
    groups,
    {
      responses: train.map((i) => responses[i] as SegmentResponse),
      segments: k,
      between,
      ...(counted ? { counted } : {}),
    },
  );
  const rates = model?.response?.rates;
  if (!model || !rates) return NaN;
  let sum = 0;
  let n = 0;
  contexts.forEach((x, i) => {
    const r = responses[i] as SegmentResponse;
    if (fold[i] !== f || r.action === 0) return;
    let p = 0;
    segmentPosterior(model, x).forEach((q, c) => (p += q * (rates[c]?.[r.action] ?? 0)));
    p = Math.min(1 - 1e-9, Math.max(1e-9, p));
    sum += -2 * Math.log(r.converted ? p : 1 - p);
    n++;
  });
  return n > 0 ? sum / n : NaN;
}
