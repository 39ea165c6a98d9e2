import { OfferStreamError } from '@offerstream/core';
import { RedisKeys, type RedisClient } from '@offerstream/redis';
import { decodeUserRow } from '../model-store/model-codec';
import { propagationScores } from './artifact-recommend';
import { foldInUser, recommendFromEmbeddings } from './embedding-serving';
import { ServingModelCache, VersionGoneError, type ServingModel } from './serving-model';
import { NO_HISTORY, type UserHistorySource } from './user-history';

export interface Candidate {
  readonly itemId: string;
  readonly score: number;
}

export interface CandidateResult {
  readonly userId: string;
  /** The one model version every number of this answer comes from. */
  readonly version: string;
  readonly method: string;
  /** True when the user was not in the training data and was folded in from recent items. */
  readonly foldedIn: boolean;
  readonly candidates: Candidate[];
}

export class NoModelError extends OfferStreamError {
  constructor() {
    super('GNN_NO_MODEL', 'no GNN model has been published yet', { retriable: true });
  }
}

export class UnknownUserError extends OfferStreamError {
  constructor(userId: string) {
    super('GNN_UNKNOWN_USER', `user ${userId} is not in the model and has no recent items in it`, {
      retriable: false,
      context: { userId },
    });
  }
}

const ATTEMPTS = 3;

/**
 * Top-N candidates for a user from the published model in Redis. The active version is resolved once per
 * request; the user row is read from that version and the item matrices come from the in-memory copy of that
 * same version, so an answer never mixes versions. Known users use their trained vector; others are folded in
 * from their recent items. Training history, recent, seen and purchased items are never returned.
 */
export class GnnCandidateReader {
  private readonly cache: ServingModelCache;

  constructor(
    private readonly redis: RedisClient,
    private readonly history: UserHistorySource = { history: async () => NO_HISTORY },
    cachedVersions = 2,
  ) {
    this.cache = new ServingModelCache(redis, cachedVersions);
  }

  async activeVersion(): Promise<string | null> {
    return this.redis.get(RedisKeys.gnn.activeVersion());
  }

  /** Loads a version's item side ahead of the first request that needs it. */
  async preload(version: string): Promise<ServingModel> {
    return this.cache.get(version);
  }

  async candidates(userId: string, n: number): Promise<CandidateResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(userId, n);
      } catch (e) {
        // The resolved version was deleted mid-request (readers far slower than the grace period): resolve again.
        if (!(e instanceof VersionGoneError) || attempt >= ATTEMPTS) throw e;
      }
    }
  }

  private async once(userId: string, n: number): Promise<CandidateResult> {
    const version = await this.activeVersion();
    if (version === null) throw new NoModelError();
    const [model, row, hist] = await Promise.all([
      this.cache.get(version),
      this.redis.hgetBuffer(RedisKeys.gnn.userEmbedding(version), userId),
      this.history.history(userId),
    ]);
    const toIndex = (ids: readonly string[]): number[] =>
      ids.map((id) => model.itemIndex.get(id)).filter((i): i is number => i !== undefined);
    const recent = toIndex(hist.recent);
    let vector: Float32Array;
    let basis: number[];
    if (row !== null) {
      const decoded = decodeUserRow(row, model.dims);
      vector = decoded.vector;
      basis = [...new Set([...decoded.history, ...recent])];
    } else {
      if ((await this.redis.exists(RedisKeys.gnn.meta(version))) === 0) throw new VersionGoneError(version);
      if (recent.length === 0) throw new UnknownUserError(userId);
      basis = [...new Set(recent)];
      vector = foldInUser(model.foldInEmb, model.dims, basis, model.foldInMode);
    }
    const exclude = new Set([...basis, ...toIndex(hist.exclude)]);
    const extra =
      model.normalized !== null
        ? propagationScores(model.normalized, model.numUsers, model.itemIds.length, basis)
        : undefined;
    const rec = recommendFromEmbeddings(vector, model.itemEmb, model.dims, n, exclude, extra);
    return {
      userId,
      version,
      method: model.method,
      foldedIn: row === null,
      candidates: Array.from(rec.items, (i, k) => ({ itemId: model.itemIds[i] ?? '', score: rec.scores[k] ?? 0 })),
    };
  }
}
