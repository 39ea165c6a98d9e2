import { neighbourItems, type NearestUsersReader } from '@offerstream/feature-store';
import type { CandidateSource, ScoredItem } from './feature-source.port';

/**
 * User-based CF as a candidate source: the user's nearest users by their incremental vectors (the feature store's
 * LSH index, re-ranked by exact cosine) vote for their recent items. A user without a vector, or with the index
 * off, gets nothing and the blend renormalises over the other sources.
 */
export class UserKnnCandidateSource implements CandidateSource {
  readonly name = 'user-knn@1';

  constructor(
    private readonly nearestUsers: NearestUsersReader,
    private readonly neighbours: number,
  ) {}

  async candidates(userId: string, k: number): Promise<ScoredItem[]> {
    if (!this.nearestUsers.enabled) return [];
    return neighbourItems(await this.nearestUsers.nearestTo(userId, this.neighbours), k);
  }
}
