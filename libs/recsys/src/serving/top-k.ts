/**
 * Indices of the k largest scores in scores[offset, offset+length), best first, skipping `exclude`d indices and
 * non-finite scores. A bounded min-heap keeps this O(n log k) with no allocation per candidate.
 */
export function topK(
  scores: ArrayLike<number>,
  k: number,
  exclude?: ReadonlySet<number> | ArrayLike<number>,
  offset = 0,
  length = scores.length - offset,
): Int32Array {
  const excluded =
    exclude === undefined ? null : exclude instanceof Set ? exclude : new Set(Array.from(exclude as ArrayLike<number>));
  const heapIdx = new Int32Array(k);
  const heapVal = new Float64Array(k);
  let size = 0;
  for (let i = 0; i < length; i++) {
    const v = scores[offset + i] ?? Number.NEGATIVE_INFINITY;
    if (!Number.isFinite(v)) continue;
    if (size === k && v <= (heapVal[0] ?? 0)) continue;
    if (excluded !== null && excluded.has(i)) continue;
    if (size < k) {
      let c = size++;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if ((heapVal[p] ?? 0) <= v) break;
        heapVal[c] = heapVal[p] ?? 0;
        heapIdx[c] = heapIdx[p] ?? 0;
        c = p;
      }
      heapVal[c] = v;
      heapIdx[c] = i;
    } else {
      let c = 0;
      for (;;) {
        const l = 2 * c + 1;
        if (l >= size) break;
        const r = l + 1;
        const m = r < size && (heapVal[r] ?? 0) < (heapVal[l] ?? 0) ? r : l;
        if ((heapVal[m] ?? 0) >= v) break;
        heapVal[c] = heapVal[m] ?? 0;
        heapIdx[c] = heapIdx[m] ?? 0;
        c = m;
      }
      heapVal[c] = v;
      heapIdx[c] = i;
    }
  }
  const order = Array.from({ length: size }, (_, j) => j).sort(
    (a, b) => (heapVal[b] ?? 0) - (heapVal[a] ?? 0) || (heapIdx[a] ?? 0) - (heapIdx[b] ?? 0),
  );
  return Int32Array.from(order, (j) => heapIdx[j] ?? 0);
}
