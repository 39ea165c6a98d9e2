export type GraphModelMethod = 'graph-filter' | 'lightgcn';

export interface TrainGraphModelOptions {
  /** Served method; the tuned graph filter by default. */
  readonly method?: GraphModelMethod;
  /** Graph filter: rank of the spectral part. */
  readonly rank?: number;
  /** LightGCN settings. */
  readonly dims?: number;
  readonly layers?: number;
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly learningRate?: number;
  readonly timeBudgetSeconds?: number;
  /** Run in the calling thread instead of a worker thread (tests, CLI tools). */
  readonly inline?: boolean;
}

/** Sparse R̃ = D_U^{-1/2} R D_I^{-1/2} (users x items) kept with the filter for its exact item-item term. */
export interface NormalizedInteractions {
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float32Array;
}

/**
 * What a training run hands to the serving side. score(user, item) = userEmb[user]·itemEmb[item], plus for the
 * graph filter the linear term s R̃ᵀR̃ computed from `normalized`. A new user's vector is foldInUser(foldInEmb,
 * dims, recentItems, foldInMode).
 */
export interface GraphModelArtifact {
  readonly method: GraphModelMethod;
  readonly version: string;
  readonly userIds: readonly string[];
  readonly itemIds: readonly string[];
  readonly dims: number;
  readonly userEmb: Float32Array;
  readonly itemEmb: Float32Array;
  readonly foldInEmb: Float32Array;
  readonly foldInMode: 'mean' | 'sum';
  readonly normalized: NormalizedInteractions | null;
  readonly metrics: Record<string, number>;
}
