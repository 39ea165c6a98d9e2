/**
 * Tokens for what has no class of its own to be injected by. The library objects (CampaignStore, DecisionEngine,
 * ...) are provided under their class, which is their typed token; each symbol here names the type it stands for.
 */

/** `DecisionServiceConfig`, validated at boot. */
export const DECISION_CONFIG = Symbol('DECISION_CONFIG');
/** `FeatureSource`: the whole chain (feature store or none, then NLP signals, then the item cache). */
export const FEATURE_SOURCE = Symbol('FEATURE_SOURCE');
/** `HttpGnnCandidateSource | undefined`: graph candidates, absent without GNN_CANDIDATES_URL. */
export const GNN_CANDIDATES = Symbol('GNN_CANDIDATES');
/** `PropensityRefitJob | undefined`: absent when PROPENSITY_REFIT is off. */
export const PROPENSITY_REFIT = Symbol('PROPENSITY_REFIT');
/** `LearningLoop | undefined`: settles decisions and refits the profit model; absent when PROFIT_REFIT is off. */
export const LEARNING_LOOP = Symbol('LEARNING_LOOP');
/** `UserKnnCandidateSource | undefined`: nearest users' items, absent without the feature store or its user index. */
export const USER_CANDIDATES = Symbol('USER_CANDIDATES');
