/** The exploration settings of the engine (see DecisionEngineSettings). */
export interface ExplorationSettings {
  /** Exploration share with no joined decisions yet, and the floor it decays to as they accumulate. */
  readonly explorationMax: number;
  readonly explorationMin: number;
  /** Joined decisions at which exploration has fallen to 1/sqrt(2) of its start. */
  readonly explorationScale: number;
}

/** Exploration share after `examples` joined decisions: falls as 1/sqrt(1 + n/scale), never below the floor. */
export function explorationRate(s: ExplorationSettings, examples: number): number {
  return Math.max(
    s.explorationMin,
    s.explorationMax / Math.sqrt(1 + Math.max(0, examples) / Math.max(1, s.explorationScale)),
  );
}
