import type { FeatureStoreReader } from '@offerstream/feature-store';

/** What is known about a user outside the trained model: recent items (fold-in) and items not to recommend. */
export interface UserHistory {
  readonly recent: readonly string[];
  readonly exclude: readonly string[];
}

export interface UserHistorySource {
  history(userId: string): Promise<UserHistory>;
}

export const NO_HISTORY: UserHistory = { recent: [], exclude: [] };

/** The feature store's view: recent items, and everything seen or purchased. */
export class FeatureStoreHistory implements UserHistorySource {
  constructor(private readonly reader: FeatureStoreReader) {}

  async history(userId: string): Promise<UserHistory> {
    const profile = await this.reader.getUser(userId);
    if (profile === null) return NO_HISTORY;
    return { recent: profile.recentItems, exclude: [...profile.seen, ...profile.purchased] };
  }
}

/** Several sources merged: recent items in source order without duplicates, exclusions unioned. */
export class MergedHistory implements UserHistorySource {
  constructor(private readonly sources: readonly UserHistorySource[]) {}

  async history(userId: string): Promise<UserHistory> {
    const all = await Promise.all(this.sources.map((s) => s.history(userId)));
    return {
      recent: [...new Set(all.flatMap((h) => h.recent))],
      exclude: [...new Set(all.flatMap((h) => h.exclude))],
    };
  }
}
