/**
 * Turns per-row uplift estimates into a deterministic assignment. Each row's candidate is its best
 * treatment; rows are ranked by that uplift and at most floor(budget * n) rows with a positive uplift are
 * treated, the rest get the control action. Ranking is done within the scored population (a campaign
 * batch), which needs only features, never outcomes.
 */
export function budgetedAssignment(
  uplift: readonly ArrayLike<number>[],
  treatmentActions: readonly number[],
  controlAction: number,
  budget: number,
): Int32Array {
  const n = uplift[0]?.length ?? 0;
  const bestAction = new Int32Array(n).fill(controlAction);
  const bestUplift = new Float64Array(n).fill(-Infinity);
  uplift.forEach((u, t) => {
    for (let i = 0; i < n; i++) {
      const v = u[i] as number;
      if (v > (bestUplift[i] as number)) {
        bestUplift[i] = v;
        bestAction[i] = treatmentActions[t] as number;
      }
    }
  });
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (bestUplift[b] as number) - (bestUplift[a] as number),
  );
  const capacity = Math.floor(Math.min(1, Math.max(0, budget)) * n + 1e-9);
  const assignment = new Int32Array(n).fill(controlAction);
  for (let r = 0; r < capacity; r++) {
    const i = order[r] as number;
    if ((bestUplift[i] as number) <= 0) break;
    assignment[i] = bestAction[i] as number;
  }
  return assignment;
}

/** One-hot policy matrix for a deterministic assignment. */
export function deterministicPolicy(assignment: ArrayLike<number>, actionCount: number): Float64Array[] {
  return Array.from({ length: assignment.length }, (_, i) => {
    const row = new Float64Array(actionCount);
    row[assignment[i] as number] = 1;
    return row;
  });
}

/** The same action distribution for every row (single-arm and random-targeting baselines). */
export function constantPolicy(n: number, distribution: readonly number[]): Float64Array[] {
  const row = Float64Array.from(distribution);
  return Array.from({ length: n }, () => row);
}
