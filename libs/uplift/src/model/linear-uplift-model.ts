import { ValidationError } from '@offerstream/core';
import {
  DEFAULT_LINEAR_PARAMS,
  fitLinearUplift,
  LinearUplift,
  type LinearUpliftParams,
  type SerializedLinearUplift,
} from './linear-uplift';
import type { UpliftTrainingData } from './uplift-learner';
import { UpliftModelBase, type UpliftModel } from './uplift-model';

/** A logistic-regression uplift model on its own (no trees): responses and uplift both come from it. */
export interface SerializedLinearUpliftModel {
  readonly kind: 'offerstream-linear-uplift';
  readonly version: 1;
  readonly target: string;
  readonly actions: string[];
  readonly controlAction: string;
  readonly featureNames: string[];
  readonly linear: SerializedLinearUplift;
  readonly metadata: Record<string, unknown>;
}

export interface LinearUpliftOptions {
  readonly actions: readonly string[];
  readonly controlAction: string;
  readonly featureNames: readonly string[];
  readonly target: string;
  readonly params: LinearUpliftParams;
}

/** One ridge LR per arm on the raw features: the simplest uplift learner and the baseline every other must beat. */
export const PER_ARM_LINEAR_PARAMS: LinearUpliftParams = { lambdaShared: 1, lambdaArm: 1, perArm: true };

/** LR with arm interactions: shared slopes plus per-arm deviations shrunk toward them, squared recency/history. */
export const ARM_INTERACTION_LINEAR_PARAMS: LinearUpliftParams = {
  ...DEFAULT_LINEAR_PARAMS,
  squared: ['recency', 'log_history'],
};

export class LinearUpliftModel extends UpliftModelBase<SerializedLinearUpliftModel> implements UpliftModel {
  private readonly linear: LinearUplift;
  private readonly control: number;

  constructor(json: SerializedLinearUpliftModel) {
    super(json);
    if (json.kind !== 'offerstream-linear-uplift' || json.version !== 1) {
      throw new ValidationError('unsupported linear uplift model format', { kind: json.kind, version: json.version });
    }
    this.control = json.actions.indexOf(json.controlAction);
    if (this.control < 0)
      throw new ValidationError('control action is not one of the actions', { controlAction: json.controlAction });
    if (json.linear.weights.length !== json.actions.length)
      throw new ValidationError('linear uplift model has a weight row per action');
    this.linear = new LinearUplift(json.linear);
  }

  predictResponse(x: readonly number[]): Record<string, number> {
    this.check(x);
    return Object.fromEntries(this.json.actions.map((a, k) => [a, this.linear.predict(x, k)]));
  }

  predictUplift(x: readonly number[]): Record<string, number> {
    this.check(x);
    const control = this.linear.predict(x, this.control);
    const out: Record<string, number> = {};
    this.json.actions.forEach((a, k) => {
      if (k !== this.control) out[a] = this.linear.predict(x, k) - control;
    });
    return out;
  }

  toJSON(): SerializedLinearUpliftModel {
    return this.json;
  }
}

export function trainLinearUpliftModel(data: UpliftTrainingData, options: LinearUpliftOptions): LinearUpliftModel {
  const linear = fitLinearUplift(
    data.x,
    data.action,
    data.y,
    options.actions.length,
    options.params,
    options.featureNames,
  );
  return new LinearUpliftModel({
    kind: 'offerstream-linear-uplift',
    version: 1,
    target: options.target,
    actions: [...options.actions],
    controlAction: options.controlAction,
    featureNames: [...options.featureNames],
    linear: linear.toJSON(),
    metadata: { trainRows: data.x.length, params: options.params },
  });
}
