import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { effectiveSampleSize, rescaleWeights } from '../stats/importance-weights';

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
  const ess = effectiveSampleSize(w);
  const wn = rescaleWeights(w, effective && ess > 0 ? ess : n);
  const beta = [...prior];
  /** Penalized weighted log-likelihood at b. */
  const objective = (b: readonly number[]): number => {
    let ll = 0;
    rows.forEach((z, i) => {
      let eta = 0;
      for (let r = 0; r < p; r++) eta += (b[r] as number) * (z[r] as number);
      // log σ(η) and log(1 − σ(η)) without overflow.
      const logMu = -Math.log1p(Math.exp(-Math.abs(eta))) + Math.min(0, eta);
      const log1mMu = logMu - eta;
      ll += (wn[i] as number) * (y[i] ? logMu : log1mMu);
    });
    let pen = 0;
    for (let r = 0; r < p; r++) pen += lam(r) * ((b[r] as number) - (prior[r] as number)) ** 2;
    return ll - pen / 2;
  };
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
    // Damped Newton: the penalized likelihood is concave, but a full step from a prior far from the data (an offer
    // that works on one combination of features) can overshoot and run away; halve it until the objective improves.
    const before = objective(beta);
    let t = 1;
    let next = beta.map((b, r) => b + (step[r] as number));
    for (let k = 0; k < 30 && objective(next) < before - 1e-12 * Math.abs(before); k++) {
      t /= 2;
      next = beta.map((b, r) => b + t * (step[r] as number));
    }
    let size = 0;
    for (let r = 0; r < p; r++) {
      size = Math.max(size, Math.abs((next[r] as number) - (beta[r] as number)));
      beta[r] = next[r] as number;
    }
    if (size < 1e-7) break;
  }
  const covariance = new CholeskyDecomposition(hessian).solve(Matrix.eye(p, p)).to1DArray();
  return { n, conversions: y.filter(Boolean).length, coefficients: beta, covariance };
}
