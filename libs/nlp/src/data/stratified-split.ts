import { seededRandom, shuffleInPlace } from '@offerstream/core';

export interface SplitIndices {
  readonly train: number[];
  readonly test: number[];
}

/**
 * Per-label shuffle and cut, so every label keeps its share in both parts (a rare label still reaches the test
 * set when it has at least two examples). Output indices are sorted to keep downstream order stable.
 */
export function stratifiedSplit(labels: readonly string[], testFraction: number, seed: number): SplitIndices {
  const random = seededRandom(seed);
  const byLabel = new Map<string, number[]>();
  labels.forEach((label, i) => {
    const list = byLabel.get(label);
    if (list) list.push(i);
    else byLabel.set(label, [i]);
  });
  const train: number[] = [];
  const test: number[] = [];
  for (const label of [...byLabel.keys()].sort()) {
    const idx = shuffleInPlace([...(byLabel.get(label) as number[])], random);
    let nTest = Math.round(idx.length * testFraction);
    if (nTest === 0 && idx.length >= 2 && testFraction > 0) nTest = 1;
    test.push(...idx.slice(0, nTest));
    train.push(...idx.slice(nTest));
  }
  train.sort((a, b) => a - b);
  test.sort((a, b) => a - b);
  return { train, test };
}
