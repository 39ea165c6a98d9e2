import { CholeskyDecomposition, Matrix } from 'ml-matrix';

/** One action's fitted purchase model (see fitLogit). */
export interface ConversionFit {
  readonly n: number;
  readonly conversions: number;
  /** Logit coefficients: intercept then one per standardized feature. */
  readonly coefficients: number[];
  /** Posterior covariance (inverse penalized Hessian), row-major (d + 1) x (d + 1). */
  readonly covariance: number[];
}

export const sigmoid = (t: number): number => 1 / (1 + Math.exp(-Math.max(-30, Math.min(30, t))));

/**
 * Penalized, importance-weighted logistic regression by Newton's method, with a Gaussian prior N(prior, 1/lambda) on
 * every coefficient (one lambda for all, or one per coefficient). Weights are rescaled to sum to the row count so the
 * prior competes with the action's sample count, or with `effective`, to their effective sample size (Σw)²/Σw², which
 * is what unequal weights are worth.
 */
export function fitLogit(
  rows: number[][],
  y: boolean[],
  w: number[],
  prior: readonly number[],
  lambda: number | readonly number[],
  effective = false,
): ConversionFit {
  const p = prior.length;
  const lam = (r: number): number => (typeof lambda === 'number' ? lambda : (lambda[r] as number));
  const n = rows.length;
  const wSum = w.reduce((s, v) => s + v, 0);
  const w2Sum = w.reduce((s, v) => s + v * v, 0);
  const total = effective && w2Sum > 0 ? (wSum * wSum) / w2Sum : n;
  const wn = w.map((v) => (wSum > 0 ? (v * total) / wSum : 0));
  const beta = [...prior];
  let hessian = new Matrix(p, p);
  for (let iter = 0; iter < 25; iter++) {
    const grad = new Float64Array(p);
    const h = new Float64Array(p * p);
    for (let r = 0; r < p; r++) {
      grad[r] = -lam(r) * ((beta[r] as number) - (prior[r] as number));
      h[r * p + r] = lam(r);
    }
    rows.forEach((z, i) => {
      let eta = 0;
      for (let r = 0; r < p; r++) eta += (beta[r] as number) * (z[r] as number);
      const mu = sigmoid(eta);
      const wi = wn[i] as number;
      const resid = wi * ((y[i] ? 1 : 0) - mu);
      const curv = wi * mu * (1 - mu);
      for (let r = 0; r < p; r++) {
        const zr = z[r] as number;
        grad[r] = (grad[r] as number) + resid * zr;
        for (let c = r; c < p; c++) h[r * p + c] = (h[r * p + c] as number) + curv * zr * (z[c] as number);
      }
    });
    hessian = new Matrix(p, p);
    for (let r = 0; r < p; r++) {
      for (let c = r; c < p; c++) {
        hessian.set(r, c, h[r * p + c] as number);
        hessian.set(c, r, h[r * p + c] as number);
      }
    }
    const step = new CholeskyDecomposition(hessian).solve(Matrix.columnVector(Array.from(grad))).getColumn(0);
    let size = 0;
    for (let r = 0; r < p; r++) {
      beta[r] = (beta[r] as number) + (step[r] as number);
      size = Math.max(size, Math.abs(step[r] as number));
    }
    if (size < 1e-7) break;
  }
  const covariance = new CholeskyDecomposition(hessian).solve(Matrix.eye(p, p)).to1DArray();
  return { n, conversions: y.filter(Boolean).length, coefficients: beta, covariance };
}
