/**
 * Qini curve and normalized Qini coefficient, written to match scikit-uplift's `qini_curve` and
 * `qini_auc_score(..., negative_effect=True)` exactly:
 *  - rows are sorted by predicted uplift, descending; tied scores form one step (only the last index of each
 *    run of equal scores is a curve point), and the curve starts at (0, 0);
 *  - Qini(k) = Y_t(k) - Y_c(k) * N_t(k) / N_c(k)  (0 when N_c(k) = 0), with x = number of rows k;
 *  - the perfect curve is the Qini curve of the score y*t - y*(1-t) (treated responders first, control
 *    responders last), i.e. the optimum when negative effects are allowed;
 *  - the random line joins (0, 0) to (n, Qini_perfect(n)) (= Qini(n), the same end point);
 *  - normalized Qini = (AUC_model - AUC_random) / (AUC_perfect - AUC_random), trapezoidal areas.
 * Zero means no better than random, one means the perfect ordering of the observed outcomes.
 */
export interface QiniCurve {
  readonly x: number[];
  readonly y: number[];
}

export function qiniCurve(
  outcome: ArrayLike<number>,
  uplift: ArrayLike<number>,
  treated: ArrayLike<number>,
): QiniCurve {
  const n = outcome.length;
  const order = Array.from({ length: n }, (_, i) => i);
  // Stable descending sort, as numpy's mergesort then reversed; the reversal only reorders ties, which
  // collapse into a single curve point anyway.
  order.sort((a, b) => (uplift[b] as number) - (uplift[a] as number));
  const x: number[] = [0];
  const y: number[] = [0];
  let nt = 0;
  let yt = 0;
  let yc = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k] as number;
    if ((treated[i] as number) === 1) {
      nt++;
      yt += outcome[i] as number;
    } else {
      yc += outcome[i] as number;
    }
    const next = order[k + 1];
    const isLastOfTie = next === undefined || (uplift[next] as number) !== (uplift[i] as number);
    if (!isLastOfTie) continue;
    const all = k + 1;
    const nc = all - nt;
    x.push(all);
    y.push(yt - (nc === 0 ? 0 : (yc * nt) / nc));
  }
  return { x, y };
}

function trapezoid(x: readonly number[], y: readonly number[]): number {
  let area = 0;
  for (let k = 1; k < x.length; k++) {
    area += ((x[k] as number) - (x[k - 1] as number)) * (((y[k] as number) + (y[k - 1] as number)) / 2);
  }
  return area;
}

export function perfectQiniCurve(outcome: ArrayLike<number>, treated: ArrayLike<number>): QiniCurve {
  const score = Array.from({ length: outcome.length }, (_, i) => {
    const yi = outcome[i] as number;
    return (treated[i] as number) === 1 ? yi : -yi;
  });
  return qiniCurve(outcome, score, treated);
}

export function qiniAucScore(
  outcome: ArrayLike<number>,
  uplift: ArrayLike<number>,
  treated: ArrayLike<number>,
): number {
  const actual = qiniCurve(outcome, uplift, treated);
  const perfect = perfectQiniCurve(outcome, treated);
  const endX = perfect.x[perfect.x.length - 1] as number;
  const endY = perfect.y[perfect.y.length - 1] as number;
  const baseline = trapezoid([0, endX], [0, endY]);
  const perfectArea = trapezoid(perfect.x, perfect.y) - baseline;
  const actualArea = trapezoid(actual.x, actual.y) - baseline;
  return perfectArea === 0 ? 0 : actualArea / perfectArea;
}

/**
 * Uplift among the top fraction of rows by score: mean outcome of treated minus control rows within it
 * (scikit-uplift `uplift_at_k`, strategy 'overall').
 */
export function upliftAtK(
  outcome: ArrayLike<number>,
  uplift: ArrayLike<number>,
  treated: ArrayLike<number>,
  fraction: number,
): number {
  const n = outcome.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (uplift[b] as number) - (uplift[a] as number));
  const k = Math.ceil(n * fraction);
  let st = 0;
  let nt = 0;
  let sc = 0;
  let nc = 0;
  for (let r = 0; r < k; r++) {
    const i = order[r] as number;
    if ((treated[i] as number) === 1) {
      st += outcome[i] as number;
      nt++;
    } else {
      sc += outcome[i] as number;
      nc++;
    }
  }
  return (nt ? st / nt : 0) - (nc ? sc / nc : 0);
}
