/*
 * What the GNN worker runs: the interaction log and user-item graph in Redis, model training on a worker thread,
 * the versioned model store (publisher, training lock and policy) and the serving reader of top-N candidates.
 * Recommenders, evaluation, datasets and benchmarks are in `@offerstream/recsys/offline`.
 */
export * from './sparse/csr-matrix';
export { InteractionGraph } from './graph/interaction-graph';
export { normalizedAdjacency, layerAveragedPropagation } from './graph/normalized-adjacency';
export { topK } from './serving/top-k';
export { recommendFromEmbeddings, foldInUser, type Recommendations } from './serving/embedding-serving';
export {
  recommendForUser,
  propagationScores,
  type UserQuery,
  type ArtifactRecommendations,
} from './serving/artifact-recommend';
export type { ProgressFn } from './models/scoring-model';
export { trainGraphModel } from './worker/train-graph-model';
export type {
  GraphModelArtifact,
  GraphModelMethod,
  TrainGraphModelOptions,
  NormalizedInteractions,
} from './worker/graph-model.types';
export { interactionOf, type InteractionRecord, type InteractionWeights } from './graph-store/interaction-record';
export { InteractionLog, type LoggedInteraction } from './graph-store/interaction.log';
export { UserItemGraph, type GraphLimits } from './graph-store/user-item.graph';
export { GraphHistory } from './graph-store/graph-history';
export { ModelPublisher, type PublishedVersion, type PublishInfo } from './model-store/model.publisher';
export { TrainingLock } from './model-store/training-lock';
export { GnnErasures, type ErasureMarks } from './model-store/gnn-erasures';
export { shouldTrain, type TrainingState, type TrainingPolicy } from './model-store/training-policy';
export {
  GnnCandidateReader,
  NoModelError,
  UnknownUserError,
  type Candidate,
  type CandidateResult,
} from './serving/gnn-candidate.reader';
export { VersionGoneError, type ServingModel } from './serving/serving-model';
export {
  FeatureStoreHistory,
  MergedHistory,
  NO_HISTORY,
  type UserHistory,
  type UserHistorySource,
} from './serving/user-history';
