import { seededRandom } from '@offerstream/core';
import type { SegmentResponse } from './behaviour-segments';
import { selectSegmentCount } from './segment-count';

/** Three groups of three one-hot ranges: features [0..2], [3..5], [6..8]. */
const GROUPS = [
  [0, 1, 2],
  [3, 4, 5],
  [6, 7, 8],
];

/** A shopper of kind `kind` shows range `kind` in each group `typical` of the time, else a uniform range. */
function shopper(kind: number, random: () => number, typical: number): number[] {
  const x = new Array<number>(9).fill(0);
  GROUPS.forEach((g) => {
    const level = random() < typical ? kind : Math.floor(random() * 3);
    x[g[level] as number] = 1;
  });
  return x;
}

/** A log of three kinds, half of them offered (action 1); `offerRates` is each kind's purchase rate under it. */
function log(
  seed: number,
  typical: number,
  offerRates: readonly number[],
): { contexts: number[][]; responses: SegmentResponse[] } {
  const random = seededRandom(seed);
  const contexts: number[][] = [];
  const responses: SegmentResponse[] = [];
  for (let i = 0; i < 3_000; i++) {
    const kind = Math.floor(random() * 3);
    contexts.push(shopper(kind, random, typical));
    const action = random() < 0.5 ? 1 : 0;
    const rate = action === 1 ? (offerRates[kind] as number) : 0.1;
    responses.push({ action, converted: random() < rate });
  }
  return { contexts, responses };
}

describe('selectSegmentCount', () => {
  it('takes more segments when they predict held-out offer purchases better in every fold', () => {
    // Three kinds an offer moves three ways (to 2%, 70% and 30%): two segments must merge two of them.
    const { contexts, responses } = log(11, 0.9, [0.02, 0.7, 0.3]);
    const choice = selectSegmentCount(contexts, GROUPS, responses, [2, 3]);
    expect(choice.count).toBe(3);
    expect(choice.deviance['3']).toBeLessThan(choice.deviance['2'] as number);
  });

  it('keeps the fewer segments when more do not predict held-out purchases better', () => {
    // Behaviour without structure and one response for all: extra segments only split noise.
    const { contexts, responses } = log(12, 0, [0.3, 0.3, 0.3]);
    const choice = selectSegmentCount(contexts, GROUPS, responses, [4, 2]);
    expect(choice.count).toBe(2);
    expect(Object.keys(choice.deviance).sort()).toEqual(['2', '4']);
  });

  it('needs counts of at least two and one response per context', () => {
    const { contexts, responses } = log(13, 0.8, [0.1, 0.1, 0.1]);
    expect(() => selectSegmentCount(contexts, GROUPS, responses, [1, 3])).toThrow(/integers >= 2/);
    expect(() => selectSegmentCount(contexts, GROUPS, responses.slice(1), [2, 3])).toThrow(/one response per context/);
    expect(selectSegmentCount(contexts, GROUPS, responses, [3])).toEqual({ count: 3, deviance: {} });
  });
});
