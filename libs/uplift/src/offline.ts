/*
 * Offline uplift (`@offerstream/uplift/offline`): the Hillstrom dataset, research learners (GBDT, per-arm and
 * linear uplift models, model selection by cross-validation), Qini and policy-value evaluation, and the commands
 * behind `npm run evaluate -- uplift|ope`.
 */
export * from './data/hillstrom-dataset';
export * from './data/hillstrom-features';
export * from './model/gradient-boosting';
export * from './model/uplift-model';
export * from './model/uplift-learner';
export * from './model/linear-uplift';
export * from './model/linear-uplift-model';
export * from './model/uplift-candidates';
export * from './evaluation/qini';
export * from './evaluation/policy-value';
export * from './evaluation/targeting-policy';
export * from './evaluation/uplift-evaluation';
export * from './evaluation/policy-gain';
export * from './evaluation/model-selection';
export * from './cli/ope-decision-lines';
export * from './cli/ope-evaluation';
