export interface TrainingState {
  readonly now: number;
  /** When the active model was published (this or another instance), 0 if never. */
  readonly lastTrainedAt: number;
  /** Interactions applied to the graph since the snapshot the last training used. */
  readonly newInteractions: number;
  readonly edges: number;
}

export interface TrainingPolicy {
  readonly intervalMs: number;
  readonly minNew: number;
  readonly minEdges: number;
}

/** Train when the graph is big enough and something new arrived: at once if a lot did, else on the interval. */
export function shouldTrain(s: TrainingState, p: TrainingPolicy): boolean {
  if (s.edges < p.minEdges || s.newInteractions <= 0) return false;
  return s.newInteractions >= p.minNew || s.now - s.lastTrainedAt >= p.intervalMs;
}
