import { InteractionGraph } from '../graph/interaction-graph';
import { seededRandom } from '@offerstream/core';

export interface PlantedData {
  readonly train: InteractionGraph;
  readonly users: Int32Array;
  readonly heldOut: ReadonlySet<number>[];
}

/**
 * Users in `communities` groups interact mostly with their group's items (plus a popularity-skewed share of
 * random items); a fifth of each user's edges is held out. Test data for recovering held-out edges.
 */
export function plantedCommunities(
  numUsers = 300,
  numItems = 200,
  communities = 5,
  perUser = 15,
  seed = 1,
): PlantedData {
  const rng = seededRandom(seed);
  const lists: number[][] = [];
  const held: Set<number>[] = [];
  const block = Math.floor(numItems / communities);
  for (let u = 0; u < numUsers; u++) {
    const c = u % communities;
    const set = new Set<number>();
    while (set.size < perUser) {
      const i = rng() < 0.8 ? c * block + Math.floor(rng() * block) : Math.floor(numItems * rng() ** 2);
      set.add(i);
    }
    const items = [...set];
    const h = new Set(items.slice(0, Math.floor(perUser / 5)));
    held.push(h);
    lists.push(items.filter((i) => !h.has(i)));
  }
  return {
    train: InteractionGraph.fromAdjacency(lists, numItems),
    users: Int32Array.from({ length: numUsers }, (_, u) => u),
    heldOut: held,
  };
}
