/** A fitted recommender that can score every item for a block of known users. */
export interface ScoringModel {
  readonly name: string;
  readonly numItems: number;
  /** Writes scores of user users[b] for item i into out[b * numItems + i]; out has users.length * numItems cells. */
  scoreUsers(users: Int32Array, out: Float32Array): void;
}

export type ProgressFn = (event: Record<string, unknown>) => void;
