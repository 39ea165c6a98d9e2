import { ValidationError } from '@offerstream/core';
import { BoostedTrees, type SerializedBoostedModel } from './gradient-boosting';

/**
 * What the decision service needs from a trained uplift model: per-action response probabilities and the
 * incremental effect of each treatment over the control action, for one encoded feature vector.
 */
export interface UpliftModel {
  readonly actions: readonly string[];
  readonly controlAction: string;
  readonly featureNames: readonly string[];
  /** P(outcome = 1 | x, action) for every action. */
  predictResponse(x: readonly number[]): Record<string, number>;
  /** Estimated uplift of each non-control action over the control action. */
  predictUplift(x: readonly number[]): Record<string, number>;
  toJSON(): SerializedUpliftModel;
}

export interface SerializedUpliftModel {
  readonly kind: 'offerstream-uplift';
  readonly version: 1;
  readonly target: string;
  readonly actions: string[];
  readonly controlAction: string;
  readonly featureNames: string[];
  /** Outcome model per action (T-learner). */
  readonly response: Record<string, SerializedBoostedModel>;
  /** Direct uplift model per treatment (DR-learner on doubly robust pseudo-outcomes). */
  readonly effect: Record<string, SerializedBoostedModel>;
  /** Weight of the direct uplift model; 1 - weight goes to the difference of outcome models. */
  readonly effectWeight: number;
  readonly metadata: Record<string, unknown>;
}

export class BlendedUpliftModel implements UpliftModel {
  private readonly response: Map<string, BoostedTrees>;
  private readonly effect: Map<string, BoostedTrees>;

  constructor(private readonly json: SerializedUpliftModel) {
    if (json.kind !== 'offerstream-uplift' || json.version !== 1) {
      throw new ValidationError('unsupported uplift model format', { kind: json.kind, version: json.version });
    }
    if (!json.actions.includes(json.controlAction)) {
      throw new ValidationError('control action is not one of the actions', { controlAction: json.controlAction });
    }
    this.response = new Map();
    this.effect = new Map();
    for (const a of json.actions) {
      const r = json.response[a];
      if (!r) throw new ValidationError(`uplift model has no response model for action ${a}`);
      this.response.set(a, BoostedTrees.fromJSON(r));
      const e = json.effect[a];
      if (a !== json.controlAction && e) this.effect.set(a, BoostedTrees.fromJSON(e));
    }
  }

  static fromJSON(json: SerializedUpliftModel): BlendedUpliftModel {
    return new BlendedUpliftModel(json);
  }

  get actions(): readonly string[] {
    return this.json.actions;
  }
  get controlAction(): string {
    return this.json.controlAction;
  }
  get featureNames(): readonly string[] {
    return this.json.featureNames;
  }

  private check(x: readonly number[]): void {
    if (x.length !== this.json.featureNames.length) {
      throw new ValidationError(`feature vector has ${x.length} values, model expects ${this.json.featureNames.length}`);
    }
  }

  predictResponse(x: readonly number[]): Record<string, number> {
    this.check(x);
    const out: Record<string, number> = {};
    for (const [a, m] of this.response) out[a] = m.predict(x);
    return out;
  }

  predictUplift(x: readonly number[]): Record<string, number> {
    this.check(x);
    const control = (this.response.get(this.json.controlAction) as BoostedTrees).predict(x);
    const w = this.json.effectWeight;
    const out: Record<string, number> = {};
    for (const a of this.json.actions) {
      if (a === this.json.controlAction) continue;
      const diff = (this.response.get(a) as BoostedTrees).predict(x) - control;
      const direct = this.effect.get(a);
      out[a] = direct && w > 0 ? w * direct.predict(x) + (1 - w) * diff : diff;
    }
    return out;
  }

  toJSON(): SerializedUpliftModel {
    return this.json;
  }
}
