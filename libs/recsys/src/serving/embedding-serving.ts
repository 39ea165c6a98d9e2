import { ValidationError } from '@offerstream/core';
import { topK } from './top-k';

export interface Recommendations {
  readonly items: Int32Array;
  readonly scores: Float32Array;
}

let scratch = new Float32Array(0);

/**
 * Top-n items for one user vector over an item embedding table (items x dims, row-major), excluding seen
 * items. Dot products are 4-way unrolled into a reused score buffer, then a bounded heap picks the top-n; `extraScores`
 * (e.g. the graph filter's sparse item-item term) is added before ranking when given.
 */
export function recommendFromEmbeddings(
  userVector: Float32Array,
  itemEmb: Float32Array,
  dims: number,
  n: number,
  exclude?: ReadonlySet<number> | ArrayLike<number>,
  extraScores?: Float32Array,
): Recommendations {
  if (userVector.length !== dims || itemEmb.length % dims !== 0) {
    throw new ValidationError('embedding sizes do not match dims', {
      dims,
      user: userVector.length,
      items: itemEmb.length,
    });
  }
  const numItems = itemEmb.length / dims;
  // One scratch buffer per process: serving is single-threaded per worker and this avoids a 160 KB
  // allocation (and the GC pauses that dominate p99) on every request.
  if (scratch.length < numItems) scratch = new Float32Array(numItems);
  const scores = scratch.subarray(0, numItems);
  for (let i = 0; i < numItems; i++) {
    const base = i * dims;
    let acc0 = 0;
    let acc1 = 0;
    let acc2 = 0;
    let acc3 = 0;
    let c = 0;
    for (; c + 3 < dims; c += 4) {
      acc0 += (userVector[c] ?? 0) * (itemEmb[base + c] ?? 0);
      acc1 += (userVector[c + 1] ?? 0) * (itemEmb[base + c + 1] ?? 0);
      acc2 += (userVector[c + 2] ?? 0) * (itemEmb[base + c + 2] ?? 0);
      acc3 += (userVector[c + 3] ?? 0) * (itemEmb[base + c + 3] ?? 0);
    }
    for (; c < dims; c++) acc0 += (userVector[c] ?? 0) * (itemEmb[base + c] ?? 0);
    scores[i] = acc0 + acc1 + acc2 + acc3 + (extraScores?.[i] ?? 0);
  }
  const items = topK(scores, n, exclude);
  return { items, scores: Float32Array.from(items, (i) => scores[i] ?? 0) };
}

/**
 * User vector for a user unknown at training time from their recent items: the mean of the items' fold-in
 * rows ('mean', LightGCN) or their sum ('sum', the graph filter, whose user side is linear in the history).
 */
export function foldInUser(
  foldInEmb: Float32Array,
  dims: number,
  recentItems: ArrayLike<number>,
  mode: 'mean' | 'sum' = 'mean',
): Float32Array {
  const v = new Float32Array(dims);
  const numItems = foldInEmb.length / dims;
  let count = 0;
  for (let a = 0; a < recentItems.length; a++) {
    const i = recentItems[a] ?? -1;
    if (i < 0 || i >= numItems) continue;
    count++;
    for (let c = 0; c < dims; c++) v[c] = (v[c] ?? 0) + (foldInEmb[i * dims + c] ?? 0);
  }
  if (mode === 'mean' && count > 0) for (let c = 0; c < dims; c++) v[c] = (v[c] ?? 0) / count;
  return v;
}
