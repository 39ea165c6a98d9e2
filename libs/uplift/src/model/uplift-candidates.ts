import { ARM_INTERACTION_LINEAR_PARAMS, PER_ARM_LINEAR_PARAMS, trainLinearUpliftModel } from './linear-uplift-model';
import {
  DEFAULT_LEARNER_OPTIONS,
  trainUpliftModel,
  type UpliftLearnerOptions,
  type UpliftTrainingData,
} from './uplift-learner';
import type { UpliftModel } from './uplift-model';

/** One learner that model selection may choose; candidates are listed simplest first. */
export interface UpliftCandidate {
  readonly name: string;
  readonly description: string;
  train(data: UpliftTrainingData, seed: number): UpliftModel;
}

export interface CandidateSetup {
  readonly actions: readonly string[];
  readonly controlAction: string;
  readonly featureNames: readonly string[];
  readonly target: string;
  /** Overrides for the blended learner (e.g. smaller tree budgets in tests, `effectWeight`, `bags`). */
  readonly blended?: Partial<UpliftLearnerOptions>;
  readonly log?: (message: string) => void;
}

export const UPLIFT_CANDIDATE_NAMES = ['per-arm-lr', 'arm-interaction-lr', 'blended'] as const;
export type UpliftCandidateName = (typeof UPLIFT_CANDIDATE_NAMES)[number];

/**
 * The candidates, in order of complexity: one ridge LR per arm (a T-learner, the reference), the LR with
 * arm interactions (slopes shrunk toward shared ones, squared recency and history), and the shipped blend of
 * gradient-boosted trees with that LR.
 */
export function upliftCandidates(setup: CandidateSetup): UpliftCandidate[] {
  const base = {
    actions: setup.actions,
    controlAction: setup.controlAction,
    featureNames: setup.featureNames,
    target: setup.target,
  };
  return [
    {
      name: 'per-arm-lr',
      description: 'one ridge logistic regression per arm on the encoded features; uplift = P(y|arm) - P(y|control)',
      train: (data) => trainLinearUpliftModel(data, { ...base, params: PER_ARM_LINEAR_PARAMS }),
    },
    {
      name: 'arm-interaction-lr',
      description:
        'ridge logistic regression with shared slopes and per-arm deviations (stronger ridge), squared recency and log history',
      train: (data) => trainLinearUpliftModel(data, { ...base, params: ARM_INTERACTION_LINEAR_PARAMS }),
    },
    {
      name: 'blended',
      description:
        'stacked T-learner + DR-learner on own gradient-boosted trees (tree counts by inner 5-fold CV), uplift averaged 50/50 with the arm-interaction LR',
      train: (data, seed) =>
        trainUpliftModel(data, {
          ...DEFAULT_LEARNER_OPTIONS,
          ...base,
          ...setup.blended,
          seed,
          ...(setup.log ? { log: setup.log } : {}),
        }),
    },
  ];
}
