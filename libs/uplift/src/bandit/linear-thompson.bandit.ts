import { ValidationError, SeededRandom } from '@offerstream/core';
import { Matrix, inverse } from 'ml-matrix';

export interface LinearThompsonOptions {
  /** Context vector length (a bias term is added internally). */
  readonly dimension: number;
  /** Ridge prior precision. */
  readonly lambda: number;
  /** Posterior scale v: larger explores more. */
  readonly explorationScale: number;
  /** Monte-Carlo draws used to estimate each action's selection probability. */
  readonly draws: number;
  /** Uniform mixture weight; keeps every eligible action's logged probability >= epsilon / K. */
  readonly epsilon: number;
  readonly seed: number;
}

export const DEFAULT_THOMPSON_OPTIONS: Omit<LinearThompsonOptions, 'dimension'> = {
  lambda: 1,
  explorationScale: 0.5,
  draws: 100,
  epsilon: 0.05,
  seed: 7,
};

export interface BanditChoice {
  readonly action: string;
  /** Exact probability with which `action` was drawn by the executed policy (for IPS / DR). */
  readonly probability: number;
  /** Selection probability of every eligible action under the executed policy (sums to 1). */
  readonly probabilities: Record<string, number>;
  /** Posterior-mean value of every eligible action (after valueFn). */
  readonly scores: Record<string, number>;
}

/** Maps an action's predicted reward (e.g. purchase probability) to the value being maximized. */
export type ValueFn = (action: string, predictedReward: number) => number;

interface ArmState {
  /** Precision matrix A = lambda I + sum x x^T (row-major). */
  a: Float64Array;
  aInv: Float64Array;
  b: Float64Array;
  pulls: number;
}

export interface SerializedLinearThompson {
  readonly kind: 'linear-thompson';
  readonly version: 1;
  readonly options: LinearThompsonOptions;
  readonly rngState: number;
  readonly arms: Record<string, { a: number[]; b: number[]; pulls: number }>;
}

/**
 * Linear Thompson sampling with one Bayesian ridge regression per action. For a context x the sampled
 * reward of an action is Gaussian with mean mu^T x and variance v^2 x^T A^-1 x, so draws are scalar and cheap.
 *
 * Logged propensities: the executed policy is "estimate each action's Thompson win probability q from
 * `draws` joint draws, mix with uniform, p = (1 - epsilon) q + epsilon / K, then sample the action from p".
 * The probability returned is therefore the exact probability of the action under the policy that actually
 * ran (conditional on the Monte-Carlo estimate), never 0, which is what IPS / DR evaluation needs.
 */
export class LinearThompsonBandit {
  private readonly arms = new Map<string, ArmState>();
  private readonly rng: SeededRandom;
  readonly options: LinearThompsonOptions;

  constructor(options: Partial<LinearThompsonOptions> & { dimension: number }, rngState?: number) {
    this.options = { ...DEFAULT_THOMPSON_OPTIONS, ...options };
    const o = this.options;
    if (!Number.isInteger(o.dimension) || o.dimension < 1)
      throw new ValidationError('bandit dimension must be a positive integer');
    if (!(o.lambda > 0)) throw new ValidationError('bandit lambda must be > 0');
    if (!(o.epsilon > 0 && o.epsilon <= 1))
      throw new ValidationError('bandit epsilon must be in (0, 1] so logged probabilities stay > 0');
    if (!(o.draws >= 1)) throw new ValidationError('bandit draws must be >= 1');
    this.rng = new SeededRandom(rngState ?? o.seed);
  }

  private get size(): number {
    return this.options.dimension + 1;
  }

  private withBias(context: readonly number[]): Float64Array {
    if (context.length !== this.options.dimension) {
      throw new ValidationError(`context has ${context.length} values, bandit expects ${this.options.dimension}`);
    }
    const x = new Float64Array(this.size);
    x[0] = 1;
    for (let j = 0; j < context.length; j++) {
      const v = context[j] as number;
      if (!Number.isFinite(v)) throw new ValidationError(`context value ${j} is not finite`);
      x[j + 1] = v;
    }
    return x;
  }

  private arm(action: string): ArmState {
    let s = this.arms.get(action);
    if (!s) {
      const d = this.size;
      const a = new Float64Array(d * d);
      const aInv = new Float64Array(d * d);
      for (let j = 0; j < d; j++) {
        a[j * d + j] = this.options.lambda;
        aInv[j * d + j] = 1 / this.options.lambda;
      }
      s = { a, aInv, b: new Float64Array(d), pulls: 0 };
      this.arms.set(action, s);
    }
    return s;
  }

  /** Posterior mean and standard deviation of the reward of `action` at x. */
  private posterior(action: string, x: Float64Array): { mean: number; sd: number } {
    const s = this.arms.get(action);
    const d = this.size;
    if (!s) {
      let xx = 0;
      for (let j = 0; j < d; j++) xx += (x[j] as number) ** 2;
      return { mean: 0, sd: this.options.explorationScale * Math.sqrt(xx / this.options.lambda) };
    }
    let mean = 0;
    let quad = 0;
    for (let i = 0; i < d; i++) {
      let ai = 0;
      let mi = 0;
      for (let j = 0; j < d; j++) {
        const inv = s.aInv[i * d + j] as number;
        ai += inv * (x[j] as number);
        mi += inv * (s.b[j] as number);
      }
      quad += (x[i] as number) * ai;
      mean += (x[i] as number) * mi;
    }
    return { mean, sd: this.options.explorationScale * Math.sqrt(Math.max(0, quad)) };
  }

  /** Selection probabilities over the eligible actions under the executed policy (see class comment). */
  selectionProbabilities(
    context: readonly number[],
    eligibleActions: readonly string[],
    valueFn: ValueFn = (_a, r) => r,
  ): {
    probabilities: Record<string, number>;
    scores: Record<string, number>;
  } {
    if (eligibleActions.length === 0) throw new ValidationError('no eligible actions to choose from');
    if (new Set(eligibleActions).size !== eligibleActions.length)
      throw new ValidationError('eligible actions must be distinct');
    const x = this.withBias(context);
    const post = eligibleActions.map((a) => this.posterior(a, x));
    const wins = new Float64Array(eligibleActions.length);
    const { draws, epsilon } = this.options;
    for (let m = 0; m < draws; m++) {
      let best = -Infinity;
      let bestK = 0;
      post.forEach((p, k) => {
        const v = valueFn(eligibleActions[k] as string, p.mean + p.sd * this.rng.gaussian());
        if (v > best) {
          best = v;
          bestK = k;
        }
      });
      wins[bestK] = (wins[bestK] as number) + 1;
    }
    const K = eligibleActions.length;
    const probabilities: Record<string, number> = {};
    const scores: Record<string, number> = {};
    eligibleActions.forEach((a, k) => {
      probabilities[a] = (1 - epsilon) * ((wins[k] as number) / draws) + epsilon / K;
      scores[a] = valueFn(a, (post[k] as { mean: number }).mean);
    });
    return { probabilities, scores };
  }

  choose(
    context: readonly number[],
    eligibleActions: readonly string[],
    valueFn: ValueFn = (_a, r) => r,
  ): BanditChoice {
    const { probabilities, scores } = this.selectionProbabilities(context, eligibleActions, valueFn);
    const u = this.rng.next();
    let acc = 0;
    let action = eligibleActions[eligibleActions.length - 1] as string;
    for (const a of eligibleActions) {
      acc += probabilities[a] as number;
      if (u < acc) {
        action = a;
        break;
      }
    }
    return { action, probability: probabilities[action] as number, probabilities, scores };
  }

  /** Bayesian ridge update of one action with the observed reward (Sherman-Morrison on A^-1). */
  update(context: readonly number[], action: string, reward: number): void {
    if (!Number.isFinite(reward)) throw new ValidationError('bandit reward must be finite', { action, reward });
    const x = this.withBias(context);
    const s = this.arm(action);
    const d = this.size;
    const ax = new Float64Array(d);
    let denom = 1;
    for (let i = 0; i < d; i++) {
      let v = 0;
      for (let j = 0; j < d; j++) v += (s.aInv[i * d + j] as number) * (x[j] as number);
      ax[i] = v;
      denom += (x[i] as number) * v;
    }
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        s.aInv[i * d + j] = (s.aInv[i * d + j] as number) - ((ax[i] as number) * (ax[j] as number)) / denom;
        s.a[i * d + j] = (s.a[i * d + j] as number) + (x[i] as number) * (x[j] as number);
      }
      s.b[i] = (s.b[i] as number) + reward * (x[i] as number);
    }
    s.pulls++;
  }

  /** Posterior-mean predicted reward per action (no sampling). */
  predict(context: readonly number[], actions: readonly string[]): Record<string, number> {
    const x = this.withBias(context);
    return Object.fromEntries(actions.map((a) => [a, this.posterior(a, x).mean]));
  }

  pulls(action: string): number {
    return this.arms.get(action)?.pulls ?? 0;
  }

  toJSON(): SerializedLinearThompson {
    const arms: SerializedLinearThompson['arms'] = {};
    for (const [name, s] of this.arms) arms[name] = { a: Array.from(s.a), b: Array.from(s.b), pulls: s.pulls };
    return { kind: 'linear-thompson', version: 1, options: this.options, rngState: this.rng.snapshot, arms };
  }

  /** Restores a bandit; A^-1 is recomputed from A so rounding from many rank-one updates does not persist. */
  static fromJSON(json: SerializedLinearThompson): LinearThompsonBandit {
    if (json.kind !== 'linear-thompson' || json.version !== 1)
      throw new ValidationError('not a serialized linear Thompson bandit');
    const bandit = new LinearThompsonBandit(json.options, json.rngState);
    const d = json.options.dimension + 1;
    for (const [name, s] of Object.entries(json.arms)) {
      if (s.a.length !== d * d || s.b.length !== d)
        throw new ValidationError(`bandit arm ${name} has the wrong dimension`);
      const rows = Array.from({ length: d }, (_, i) => s.a.slice(i * d, (i + 1) * d));
      const inv = inverse(new Matrix(rows));
      bandit.arms.set(name, {
        a: Float64Array.from(s.a),
        aInv: Float64Array.from(inv.to1DArray()),
        b: Float64Array.from(s.b),
        pulls: s.pulls,
      });
    }
    return bandit;
  }
}
