import { SeededRandom } from '@offerstream/core';

/** Assigns each row to one of k folds, balancing every stratum (here: the logged action) across folds. */
export function stratifiedFolds(strata: ArrayLike<number>, k: number, seed: number): Int32Array {
  const fold = new Int32Array(strata.length);
  const groups = new Map<number, number[]>();
  for (let i = 0; i < strata.length; i++) {
    const s = strata[i] as number;
    const g = groups.get(s) ?? [];
    g.push(i);
    groups.set(s, g);
  }
  const rng = new SeededRandom(seed);
  let offset = 0;
  for (const key of [...groups.keys()].sort((a, b) => a - b)) {
    const rows = rng.shuffle(groups.get(key) as number[]);
    // Continue the round-robin across strata so fold sizes stay within one row of each other.
    rows.forEach((row, r) => {
      fold[row] = (r + offset) % k;
    });
    offset = (offset + rows.length) % k;
  }
  return fold;
}
