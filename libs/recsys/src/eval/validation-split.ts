import { InteractionGraph } from '../graph/interaction-graph';
import { csrFromCoo } from '../sparse/csr-matrix';
import { seededRandom, shuffleInPlace } from '@offerstream/core';

export interface ValidationSplit {
  readonly train: InteractionGraph;
  readonly users: Int32Array;
  readonly heldOut: readonly ReadonlySet<number>[];
}

/**
 * Carves a validation split out of the training graph so hyperparameters are chosen by rule on each data set
 * rather than tuned to a test split: for a random sample of users with at least two items, `fraction` of
 * their items (at least one, never all) are held out; all other edges stay in training.
 */
export function carveValidation(
  graph: InteractionGraph,
  fraction: number,
  maxUsers: number,
  seed: number,
): ValidationSplit {
  const rng = seededRandom(seed);
  const eligible: number[] = [];
  for (let u = 0; u < graph.numUsers; u++) if (graph.itemsOf(u).length >= 2) eligible.push(u);
  const pool = Int32Array.from(eligible);
  shuffleInPlace(pool, rng);
  const chosen = pool.slice(0, Math.min(maxUsers, pool.length)).sort();
  const held = new Map<number, Set<number>>();
  for (const u of chosen) {
    const items = Int32Array.from(graph.itemsOf(u));
    shuffleInPlace(items, rng);
    const n = Math.min(items.length - 1, Math.max(1, Math.round(items.length * fraction)));
    held.set(u, new Set(items.subarray(0, n)));
  }
  const rows: number[] = [];
  const cols: number[] = [];
  for (let u = 0; u < graph.numUsers; u++) {
    const h = held.get(u);
    for (const i of graph.itemsOf(u)) {
      if (h?.has(i)) continue;
      rows.push(u);
      cols.push(i);
    }
  }
  const train = new InteractionGraph(
    graph.userIds,
    graph.itemIds,
    csrFromCoo(graph.numUsers, graph.numItems, rows, cols),
  );
  return { train, users: chosen, heldOut: Array.from(chosen, (u) => held.get(u) ?? new Set<number>()) };
}
