/*
 * Offline recsys (`@offerstream/recsys/offline`): the LightGCN-format datasets, recommenders and their tuning,
 * ranking metrics and evaluation, and the GNN benchmarks behind `npm run evaluate -- recsys` and `npm run bench`.
 */
export { parseLightGcnText, readLightGcnFile, alignSplits, type UserItemLists } from './data/lightgcn-format';
export { rankingMetrics, MetricAccumulator, type RankingMetrics } from './metrics/ranking-metrics';
export { randomizedSvd, orthonormalize, type TruncatedSvd, type RandomizedSvdOptions } from './linalg/randomized-eigen';
export type { ScoringModel } from './models/scoring-model';
export { PopularityRecommender } from './models/popularity.recommender';
export { ItemKnnRecommender, type ItemKnnOptions } from './models/item-knn.recommender';
export { UserKnnRecommender, type UserKnnOptions } from './models/user-knn.recommender';
export { BlendRecommender } from './models/blend.recommender';
export { GraphFilterRecommender, type GraphFilterOptions } from './models/graph-filter.recommender';
export { tuneGraphFilter, type FilterTuningOptions, type FilterTuningResult } from './models/graph-filter.tuning';
export { EmbeddingRecommender } from './models/embedding.recommender';
export {
  trainLightGcn,
  type LightGcnOptions,
  type LightGcnResult,
  type LightGcnValidation,
} from './models/lightgcn.trainer';
export { METHODS, DEFAULT_METHOD, buildModel, type MethodName, type BuiltModel } from './models/method-registry';
export { evaluateRanking, type EvaluationResult, type EvaluationOptions } from './eval/ranking-evaluation';
export { carveValidation, type ValidationSplit } from './eval/validation-split';
export { runRecsysEvaluation } from './eval/recsys-evaluation';
export { runUserKnnComparison, crossValidate, bestCell, type CvCell } from './eval/user-knn-comparison';
export { perUserMetrics, type PerUserMetrics } from './eval/per-user-evaluation';
export { bootstrapMeans, difference, type Interval } from './eval/bootstrap-interval';
export { runGnnBenchmark, type GnnBenchmarkOptions, type GnnBenchmarkResult } from './bench/gnn-benchmark';
export { runGnnServingBenchmark, type GnnServingBenchOptions } from './bench/gnn-serving.benchmark';
