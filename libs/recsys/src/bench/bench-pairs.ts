import { readLightGcnFile } from '../data/lightgcn-format';
import { seededRandom } from '@offerstream/core';

/** (user, item) training pairs of a LightGCN-format file, ids prefixed so users and items never collide. */
export async function pairsFromFile(path: string): Promise<[string, string][]> {
  const lists = await readLightGcnFile(path);
  const pairs: [string, string][] = [];
  for (const [u, items] of lists) for (const i of items) pairs.push([`u${u}`, `i${i}`]);
  return pairs;
}

/**
 * `edges` distinct pairs with power-law item popularity, like check-in data, so the degree profile of the graph
 * resembles Gowalla's when its file is absent.
 */
export function generatedPairs(users: number, items: number, edges: number): [string, string][] {
  const rng = seededRandom(5);
  const pairs = new Map<string, [string, string]>();
  while (pairs.size < edges) {
    const u = Math.floor(rng() * users);
    const i = Math.min(items - 1, Math.floor(items * rng() ** 2.5));
    pairs.set(`${u}|${i}`, [`u${u}`, `i${i}`]);
  }
  return [...pairs.values()];
}
