/*
 * What services run: the incremental-profit (reward) model the decision service fits and serves, the online
 * bandits, off-policy evaluation and promotion of a refit model, and the intervals of the campaign report.
 * Research learners, the Hillstrom dataset, Qini and the evaluation commands are in `@offerstream/uplift/offline`.
 */
export * from './bandit/linear-thompson.bandit';
export * from './bandit/incremental-profit';
export * from './stats/distributions';
export * from './stats/confidence-intervals';
export * from './profit/reward-model';
export * from './profit/conversion-model';
export * from './profit/model-features';
export * from './profit/behaviour-segments';
export * from './profit/range-offsets';
export * from './profit/ranged-features';
export * from './profit/conversion-snapshot.codec';
export * from './ope/off-policy-estimators';
export * from './ope/ope-decision';
export * from './ope/cross-fitted-rewards';
export * from './ope/standard-policies';
export * from './ope/policy-evaluation';
export * from './ope/policy-promotion';
