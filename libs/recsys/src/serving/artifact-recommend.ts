import { ValidationError } from '@offerstream/core';
import { transposeCsr, type CsrMatrix } from '../sparse/csr-matrix';
import type { GraphModelArtifact, NormalizedInteractions } from '../worker/graph-model.types';
import { foldInUser, recommendFromEmbeddings } from './embedding-serving';

export interface UserQuery {
  /** Index of a user known at training time (artifact.userIds). */
  readonly userIndex?: number;
  /** Recent item indices; used for fold-in when the user is unknown, and always excluded from results. */
  readonly recentItems?: ArrayLike<number>;
}

export interface ArtifactRecommendations {
  readonly items: Int32Array;
  readonly itemIds: string[];
  readonly scores: Float32Array;
}

const transposes = new WeakMap<NormalizedInteractions, CsrMatrix>();

/**
 * Top-n for a known or folded-in user from a trained artifact: the embedding score plus, for the graph
 * filter, its exact item-item term s R̃ᵀR̃ over the user's history. Seen items are excluded.
 */
export function recommendForUser(artifact: GraphModelArtifact, query: UserQuery, n: number): ArtifactRecommendations {
  const { dims } = artifact;
  const numUsers = artifact.userIds.length;
  const numItems = artifact.itemIds.length;
  let userVector: Float32Array;
  const history = new Set<number>(Array.from(query.recentItems ?? []));
  const known = query.userIndex !== undefined && query.userIndex >= 0 && query.userIndex < numUsers;
  if (known && query.userIndex !== undefined) {
    userVector = artifact.userEmb.slice(query.userIndex * dims, (query.userIndex + 1) * dims);
    const norm = artifact.normalized;
    if (norm !== null) {
      for (let p = norm.indptr[query.userIndex] ?? 0; p < (norm.indptr[query.userIndex + 1] ?? 0); p++)
        history.add(norm.indices[p] ?? 0);
    }
  } else if (history.size > 0) {
    userVector = foldInUser(artifact.foldInEmb, dims, Array.from(history), artifact.foldInMode);
  } else {
    throw new ValidationError('query needs a known userIndex or recentItems', { userIndex: query.userIndex });
  }
  let extra: Float32Array | undefined;
  if (artifact.normalized !== null && history.size > 0) {
    extra = propagationScores(artifact.normalized, numUsers, numItems, Array.from(history));
  }
  const rec = recommendFromEmbeddings(userVector, artifact.itemEmb, dims, n, history, extra);
  return { ...rec, itemIds: Array.from(rec.items, (i) => artifact.itemIds[i] ?? '') };
}

/** s R̃ᵀR̃ for a binary history s: two sparse products through the user side, never an item-item matrix. */
export function propagationScores(
  norm: NormalizedInteractions,
  numUsers: number,
  numItems: number,
  history: readonly number[],
): Float32Array {
  let t = transposes.get(norm);
  if (t === undefined) {
    t = transposeCsr({ rows: numUsers, cols: numItems, ...norm });
    transposes.set(norm, t);
  }
  const acc = new Map<number, number>();
  for (const i of history) {
    for (let p = t.indptr[i] ?? 0; p < (t.indptr[i + 1] ?? 0); p++) {
      const v = t.indices[p] ?? 0;
      acc.set(v, (acc.get(v) ?? 0) + (t.values[p] ?? 0));
    }
  }
  const out = new Float32Array(numItems);
  for (const [v, w] of acc) {
    for (let p = norm.indptr[v] ?? 0; p < (norm.indptr[v + 1] ?? 0); p++) {
      const j = norm.indices[p] ?? 0;
      out[j] = (out[j] ?? 0) + w * (norm.values[p] ?? 0);
    }
  }
  return out;
}
