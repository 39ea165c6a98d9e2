import { ValidationError } from '@offerstream/core';
import { BoostedTrees, sigmoid, type SerializedBoostedModel } from './gradient-boosting';
import { LinearUplift, type SerializedLinearUplift } from './linear-uplift';
import type { SerializedLinearUpliftModel } from './linear-uplift-model';

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
  toJSON(): SerializedUpliftModel | SerializedLinearUpliftModel;
}

/**
 * Response of action a: sigmoid(armOffset[a] + shared(x) + armCorrection[a](x)). The shared trees learn who
 * responds at all (estimated on every row, so with little noise); the per-arm corrections learn only the
 * heterogeneity the data supports, their size chosen by cross-validation. The optional direct effect
 * models (DR-learner) are blended into the uplift with `effectWeight`. The optional logistic regression with
 * arm interactions (`linear`) is blended into that uplift with `linearWeight`; responses come from the trees.
 */
export interface SerializedUpliftModel {
  readonly kind: 'offerstream-uplift';
  readonly version: 1;
  readonly target: string;
  readonly actions: string[];
  readonly controlAction: string;
  readonly featureNames: string[];
  readonly armOffset: Record<string, number>;
  readonly shared: SerializedBoostedModel;
  readonly armCorrection: Record<string, SerializedBoostedModel>;
  readonly effect: Record<string, SerializedBoostedModel>;
  readonly effectWeight: number;
  readonly linear?: SerializedLinearUplift;
  readonly linearWeight?: number;
  readonly metadata: Record<string, unknown>;
}

/** What every uplift model's JSON names: its actions, the control among them, and the features it reads. */
interface ActionSchema {
  readonly actions: readonly string[];
  readonly controlAction: string;
  readonly featureNames: readonly string[];
}

/** The accessors and input check every uplift model shares, read from its serialized form. */
export abstract class UpliftModelBase<J extends ActionSchema> {
  protected constructor(protected readonly json: J) {}

  get actions(): readonly string[] {
    return this.json.actions;
  }
  get controlAction(): string {
    return this.json.controlAction;
  }
  get featureNames(): readonly string[] {
    return this.json.featureNames;
  }

  protected check(x: readonly number[]): void {
    if (x.length !== this.json.featureNames.length) {
      throw new ValidationError(
        `feature vector has ${x.length} values, model expects ${this.json.featureNames.length}`,
      );
    }
  }
}

export class StackedUpliftModel extends UpliftModelBase<SerializedUpliftModel> implements UpliftModel {
  private readonly shared: BoostedTrees;
  private readonly correction = new Map<string, BoostedTrees>();
  private readonly effect = new Map<string, BoostedTrees>();
  private readonly linear: LinearUplift | null;

  constructor(json: SerializedUpliftModel) {
    super(json);
    if (json.kind !== 'offerstream-uplift' || json.version !== 1) {
      throw new ValidationError('unsupported uplift model format', { kind: json.kind, version: json.version });
    }
    if (!json.actions.includes(json.controlAction)) {
      throw new ValidationError('control action is not one of the actions', { controlAction: json.controlAction });
    }
    this.shared = BoostedTrees.fromJSON(json.shared);
    this.linear = json.linear && (json.linearWeight ?? 0) > 0 ? new LinearUplift(json.linear) : null;
    for (const a of json.actions) {
      const c = json.armCorrection[a];
      if (!c || typeof json.armOffset[a] !== 'number')
        throw new ValidationError(`uplift model has no response model for action ${a}`);
      this.correction.set(a, BoostedTrees.fromJSON(c));
      const e = json.effect[a];
      if (a !== json.controlAction && e) this.effect.set(a, BoostedTrees.fromJSON(e));
    }
  }

  static fromJSON(json: SerializedUpliftModel): StackedUpliftModel {
    return new StackedUpliftModel(json);
  }

  private responses(x: readonly number[]): Record<string, number> {
    const shared = this.shared.margin(x);
    const out: Record<string, number> = {};
    for (const a of this.json.actions) {
      out[a] = sigmoid(
        (this.json.armOffset[a] as number) + shared + (this.correction.get(a) as BoostedTrees).margin(x),
      );
    }
    return out;
  }

  predictResponse(x: readonly number[]): Record<string, number> {
    this.check(x);
    return this.responses(x);
  }

  predictUplift(x: readonly number[]): Record<string, number> {
    this.check(x);
    const r = this.responses(x);
    const control = r[this.json.controlAction] as number;
    const w = this.json.effectWeight;
    const lin = this.linear;
    const lw = this.json.linearWeight ?? 0;
    const controlIndex = this.json.actions.indexOf(this.json.controlAction);
    const linControl = lin ? lin.predict(x, controlIndex) : 0;
    const out: Record<string, number> = {};
    this.json.actions.forEach((a, k) => {
      if (a === this.json.controlAction) return;
      const diff = (r[a] as number) - control;
      const direct = this.effect.get(a);
      const trees = direct && w > 0 ? w * direct.predict(x) + (1 - w) * diff : diff;
      out[a] = lin ? lw * (lin.predict(x, k) - linControl) + (1 - lw) * trees : trees;
    });
    return out;
  }

  toJSON(): SerializedUpliftModel {
    return this.json;
  }
}
