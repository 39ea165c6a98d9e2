import { Matrix } from 'ml-matrix';

/**
 * d β / d prior of a penalized fit: its posterior mean is Σ (Λ prior + H β̂), so a shift of the prior mean moves the
 * coefficients by Σ Λ (Λ the diagonal prior precision). Row-major p x p.
 */
export function priorPull(covariance: readonly number[], lambda: number | readonly number[]): Matrix {
  const p = Math.round(Math.sqrt(covariance.length));
  const m = Matrix.from1DArray(p, p, [...covariance]);
  if (typeof lambda === 'number') return m.mul(lambda);
  for (let r = 0; r < p; r++) for (let c = 0; c < p; c++) m.set(r, c, m.get(r, c) * (lambda[c] as number));
  return m;
}

/**
 * How an error in no offer's coefficients carries into one offer's. Each offer is shrunk toward the pooled level,
 * which is shrunk toward no offer, so d β_a / d β_none = (Σ_a Λ_o)(Σ_pool Λ_p). With little evidence for the offer
 * this is close to the identity: the offer moves with no offer, and the two share their error instead of adding it.
 * Row-major (d + 1) x (d + 1).
 */
export function noneLink(
  offerCovariance: readonly number[],
  offerLambda: number | readonly number[],
  pooledCovariance: readonly number[],
  poolLambda: number | readonly number[],
): number[] {
  return priorPull(offerCovariance, offerLambda).mmul(priorPull(pooledCovariance, poolLambda)).to1DArray();
}

function quadratic(m: readonly number[], v: readonly number[]): number {
  const p = v.length;
  let out = 0;
  for (let r = 0; r < p; r++) {
    let row = 0;
    for (let c = 0; c < p; c++) row += (m[r * p + c] as number) * (v[c] as number);
    out += (v[r] as number) * row;
  }
  return out;
}

/** One action's side of a gain: its purchase probability, what a purchase earns, its coefficients' covariance. */
export interface GainSide {
  readonly p: number;
  readonly worth: number;
  readonly covariance: readonly number[];
}

/**
 * Standard deviation of an offer's expected profit minus no offer's at design row z (delta method). The gradient of
 * each side is p(1 − p) × worth × z; the offer's own error (its fit and the pooled level's) enters once, and no
 * offer's error enters through the difference between the offer's link to it and no offer itself. Treating the two
 * as independent (the square root of the sum of both variances) counted no offer's error twice for an offer that is
 * still mostly its prior, which made thinly tried offers look less certain than they are.
 */
export function gainSd(z: readonly number[], offer: GainSide, link: readonly number[], none: GainSide): number {
  const p = z.length;
  const ga = z.map((v) => offer.p * (1 - offer.p) * offer.worth * v);
  const gn = z.map((v) => none.p * (1 - none.p) * none.worth * v);
  // u = linkᵀ ga − gn: how a shift of no offer's coefficients moves the gain.
  const u = new Array<number>(p).fill(0);
  for (let c = 0; c < p; c++) {
    let s = 0;
    for (let r = 0; r < p; r++) s += (link[r * p + c] as number) * (ga[r] as number);
    u[c] = s - (gn[c] as number);
  }
  return Math.sqrt(Math.max(0, quadratic(offer.covariance, ga) + quadratic(none.covariance, u)));
}
