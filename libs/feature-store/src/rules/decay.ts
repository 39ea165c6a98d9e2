/** Exponential decay by half-life: the weight of something `ageMs` old. Negative ages (late events) boost. */
export function decayFactor(ageMs: number, halfLifeMs: number): number {
  return 2 ** (-ageMs / halfLifeMs);
}

/**
 * Forward decay (Cormode et al.): an event at time t adds w * 2^((t - epoch) / h), so a sum never needs
 * rescaling and is comparable across items; its value as of `now` is score * 2^(-(now - epoch) / h).
 */
export function forwardDecayWeight(weight: number, t: number, epochMs: number, halfLifeMs: number): number {
  return weight * 2 ** ((t - epochMs) / halfLifeMs);
}

export function forwardDecayToNow(score: number, now: number, epochMs: number, halfLifeMs: number): number {
  return score * 2 ** (-(now - epochMs) / halfLifeMs);
}
