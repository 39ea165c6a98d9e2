import { seededRandom } from '@offerstream/core';
import type { LoggedDecision } from '../ope/off-policy-estimators';
import { fitSegments, segmentPosterior, type SegmentModel } from './behaviour-segments';
import { fitConversionModel, NO_POOLING, predictConversions } from './conversion-model';
import { conversionModelFromJSON } from './conversion-snapshot.codec';

/** Three groups of three one-hot ranges: features [0..2], [3..5], [6..8]. */
const GROUPS = [
  [0, 1, 2],
  [3, 4, 5],
  [6, 7, 8],
];

/** A shopper of kind `kind` shows range `kind` in each group 80% of the time; `structured: false` draws uniformly. */
function shopper(kind: number, random: () => number, structured = true): number[] {
  const x = new Array<number>(9).fill(0);
  GROUPS.forEach((g) => {
    const level = structured && random() < 0.8 ? kind : Math.floor(random() * 3);
    x[g[level] as number] = 1;
  });
  return x;
}

describe('behaviour segments', () => {
  it('find the kinds of shopper that show in several behaviours at once', () => {
    const random = seededRandom(3);
    const kinds = Array.from({ length: 3_000 }, () => Math.floor(random() * 3));
    const model = fitSegments(
      kinds.map((k) => shopper(k, random)),
      GROUPS,
    );
    expect(model?.shares).toHaveLength(3);
    // Each kind lands mostly in one segment, a different one per kind.
    const segmentOf = (x: number[]): number => {
      const p = segmentPosterior(model!, x);
      return p.indexOf(Math.max(...p));
    };
    const typical = [0, 1, 2].map((k) => segmentOf(shopper(k, () => 0)));
    expect(new Set(typical).size).toBe(3);
    const fresh = seededRandom(4);
    let right = 0;
    for (let i = 0; i < 1_000; i++) {
      const k = i % 3;
      if (segmentOf(shopper(k, fresh)) === typical[k]) right++;
    }
    expect(right / 1_000).toBeGreaterThan(0.85);
  });

  it('read a counted group as one draw per item, so more items seen make a shopper’s segment surer', () => {
    // Two kinds alike in the range group, apart only in which of three price bands their items fall (70% in their
    // own band); each shopper touched 1 to 8 items. Features: [0..2] a one-hot range, [3..5] items per band.
    const random = seededRandom(11);
    const row = (kind: number, items: number, r: () => number): number[] => {
      const x = [0, 0, 0, 0, 0, 0];
      x[Math.floor(r() * 3)] = 1;
      for (let i = 0; i < items; i++) {
        const band = 3 + (r() < 0.7 ? kind : 2);
        x[band] = (x[band] as number) + 1;
      }
      return x;
    };
    const rows = Array.from({ length: 3_000 }, () =>
      row(Math.floor(random() * 2), 1 + Math.floor(random() * 8), random),
    );
    const groups = [
      [0, 1, 2],
      [3, 4, 5],
    ];
    const model = fitSegments(rows, groups, { counted: [false, true], segments: 2 });
    expect(model?.counted).toEqual([false, true]);
    const surest = (x: number[]): number => Math.max(...segmentPosterior(model!, x));
    expect(surest([1, 0, 0, 6, 0, 0])).toBeGreaterThan(surest([1, 0, 0, 1, 0, 0]));
    expect(surest([1, 0, 0, 6, 0, 0])).toBeGreaterThan(0.95);
    const top = (x: number[]): number => segmentPosterior(model!, x).indexOf(surest(x));
    expect(top([1, 0, 0, 4, 0, 0])).not.toBe(top([1, 0, 0, 0, 4, 0]));
  });

  it('keep a small kind apart from its neighbours where BIC would merge it (the count is chosen by AIC)', () => {
    const random = seededRandom(7);
    // Two large kinds and one of 6% of the shoppers that shows in every group, but only now and then: on 600
    // shoppers its segment adds some 15 to the log-likelihood, which pays AIC's 7 parameters and not BIC's 22.
    const kinds = Array.from({ length: 600 }, () => {
      const u = random();
      return u < 0.06 ? 2 : u < 0.53 ? 0 : 1;
    });
    const contexts = kinds.map((k) => {
      const x = new Array<number>(9).fill(0);
      GROUPS.forEach((g) => {
        const own = k === 2 ? 0.45 : 0.8;
        x[g[random() < own ? k : Math.floor(random() * 3)] as number] = 1;
      });
      return x;
    });
    const model = fitSegments(contexts, GROUPS);
    expect(model?.shares).toHaveLength(3);
    expect(model?.shares[2]).toBeLessThan(0.15);
    // The small kind's typical shopper belongs to that small segment.
    const typical = segmentPosterior(model!, [0, 0, 1, 0, 0, 1, 0, 0, 1]);
    expect(typical.indexOf(Math.max(...typical))).toBe(2);
  });

  it('fit exactly the count asked for, without consulting AIC', () => {
    const random = seededRandom(3);
    const contexts = Array.from({ length: 2_000 }, () => shopper(Math.floor(random() * 3), random));
    expect(fitSegments(contexts, GROUPS, { segments: 2 })?.shares).toHaveLength(2);
    expect(() => fitSegments(contexts, GROUPS, { segments: 0 })).toThrow(/positive integer/);
  });

  it('give one model per seed of the EM starts, so a replay can measure how far the starts alone move a result', () => {
    const random = seededRandom(5);
    // No structure: where the EM ends depends on where it starts.
    const contexts = Array.from({ length: 1_500 }, () => shopper(0, random, false));
    const fit = (seed?: number) =>
      fitSegments(contexts, GROUPS, { segments: 3, ...(seed === undefined ? {} : { seed }) });
    expect(fit(11)).toEqual(fit(11));
    expect(fit()).toEqual(fit());
    expect(fit(12)?.shares).not.toEqual(fit(11)?.shares);
  });

  it('skip a behaviour absent for a shopper, so a second sign of the same absence does not part the kinds', () => {
    // Two kinds that show in two behaviours ([0..2], [3..5]); half of each kind never bought ([6, 7]: no, yes), and
    // only those who did have a recency ([8..10]). Written with a "never bought" range of its own ([8..11]), recency
    // repeats the purchases' group, and two segments split buyers from non-buyers instead of the kinds.
    const random = seededRandom(11);
    const rows = Array.from({ length: 2_000 }, () => {
      const kind = random() < 0.5 ? 0 : 1;
      const bought = random() < 0.5;
      const x = new Array<number>(12).fill(0);
      for (const start of [0, 3]) x[start + (random() < 0.9 ? kind : Math.floor(random() * 3))] = 1;
      x[bought ? 7 : 6] = 1;
      x[bought ? 8 + Math.floor(random() * 3) : 11] = 1;
      return { kind, bought, x };
    });
    const base = [
      [0, 1, 2],
      [3, 4, 5],
      [6, 7],
    ];
    const agreement = (model: SegmentModel | undefined, label: (r: (typeof rows)[number]) => number): number => {
      const hits = rows.filter((r) => {
        const p = segmentPosterior(model!, r.x);
        return p.indexOf(Math.max(...p)) === label(r);
      }).length;
      return Math.max(hits, rows.length - hits) / rows.length;
    };
    const absent = fitSegments(
      rows.map((r) => r.x.slice(0, 11)),
      [...base, [8, 9, 10]],
      { segments: 2 },
    );
    const twice = fitSegments(
      rows.map((r) => r.x),
      [...base, [8, 9, 10, 11]],
      { segments: 2 },
    );
    expect(agreement(absent, (r) => r.kind)).toBeGreaterThan(0.9);
    expect(agreement(twice, (r) => (r.bought ? 1 : 0))).toBeGreaterThan(0.9);
    expect(agreement(twice, (r) => r.kind)).toBeLessThan(0.6);
  });

  it('add nothing where the behaviours are independent of each other', () => {
    const random = seededRandom(5);
    const contexts = Array.from({ length: 3_000 }, () => shopper(0, random, false));
    expect(fitSegments(contexts, GROUPS)).toBeUndefined();
  });

  it('part kinds who look much alike when the log shows they answer offers differently', () => {
    const random = seededRandom(11);
    // A strong style (the first two groups) that has nothing to do with offers, and a kind that shows only weakly (in
    // the third group, 60% of the time): kind 0 buys half the time when offered (action 1) and 5% otherwise, kind 1
    // buys 5% whatever it is shown. Behaviour alone finds the style; the responses find the kind as well.
    const look = (style: number, kind: number): number[] => {
      const x = new Array<number>(9).fill(0);
      const at = (own: number, p: number): number => (random() < p ? own : Math.floor(random() * 3));
      x[at(style, 0.9)] = 1;
      x[3 + at(style, 0.9)] = 1;
      x[6 + at(kind, 0.6)] = 1;
      return x;
    };
    const shoppers = Array.from({ length: 6_000 }, () => ({
      style: random() < 0.5 ? 0 : 1,
      kind: random() < 0.5 ? 0 : 1,
    }));
    const contexts = shoppers.map((s) => look(s.style, s.kind));
    const responses = shoppers.map((s) => {
      const action = random() < 0.5 ? 1 : 0;
      return { action, converted: random() < (s.kind === 0 && action === 1 ? 0.5 : 0.05) };
    });
    const typical = (style: number, kind: number): number[] =>
      [style, style, kind].flatMap((level) => [0, 1, 2].map((l) => (l === level ? 1 : 0)));
    const segmentOf = (model: SegmentModel | undefined, x: number[]): number => {
      const p = model ? segmentPosterior(model, x) : [1];
      return p.indexOf(Math.max(...p));
    };
    const plain = fitSegments(contexts, GROUPS);
    const model = fitSegments(contexts, GROUPS, { responses });
    expect(segmentOf(plain, typical(0, 0))).toBe(segmentOf(plain, typical(0, 1)));
    expect(segmentOf(model, typical(0, 0))).not.toBe(segmentOf(model, typical(0, 1)));
    expect(segmentOf(model, typical(1, 0))).not.toBe(segmentOf(model, typical(1, 1)));
  });

  it('move a smaller dose halfway toward the larger one where the log says little of the smaller', () => {
    const random = seededRandom(21);
    // One kind: 5% buy with no offer (action 0), 45% with 20% off (action 2); 10% off (action 1) shown only 4 times.
    const contexts = Array.from({ length: 2_000 }, () => shopper(0, random));
    const responses = contexts.map((_, i) => {
      const action = i < 4 ? 1 : i % 2 === 0 ? 0 : 2;
      return { action, converted: random() < (action === 2 ? 0.45 : 0.05) };
    });
    const rateOf = (between?: [number, number][]): number => {
      const m = fitSegments(contexts, GROUPS, { responses, segments: 2, ...(between ? { between } : {}) });
      const r = m?.response;
      // The segments' rates of 10% off, weighed by their shares.
      return (m?.shares ?? []).reduce((t, s, k) => t + s * (r?.rates[k]?.[1] ?? 0), 0);
    };
    const plain = rateOf();
    const dosed = rateOf([[1, 2]]);
    expect(plain).toBeLessThan(0.15);
    expect(dosed).toBeGreaterThan(0.15);
    expect(dosed).toBeLessThan(0.45);
    expect(() => fitSegments(contexts, GROUPS, { responses, between: [[0, 2]] })).toThrow(/dose pairs/);
  });

  it('refuse responses that do not match the contexts', () => {
    const contexts = [shopper(0, () => 0), shopper(1, () => 0)];
    expect(() => fitSegments(contexts, GROUPS, { responses: [{ action: 0, converted: true }] })).toThrow(
      /one action index/,
    );
  });

  it('refuse groups that are not ranges of the context', () => {
    expect(() => fitSegments([shopper(0, () => 0)], [[0]])).toThrow(/at least two/);
    expect(() => fitSegments([shopper(0, () => 0)], [[8, 9]])).toThrow(/feature indexes/);
  });
});

describe('the conversion model with behaviour segments', () => {
  // Only the second kind is persuaded (10% -> 50%); the others buy 30% of the time either way.
  const log = (seed: number): LoggedDecision[] => {
    const random = seededRandom(seed);
    return Array.from({ length: 6_000 }, () => {
      const kind = Math.floor(random() * 3);
      const action = random() < 0.5 ? 'pct20' : 'none';
      const p = kind === 1 ? (action === 'pct20' ? 0.5 : 0.1) : 0.3;
      const converted = random() < p;
      const values = { none: 40, pct20: 20 };
      const context = shopper(kind, random);
      return { context, action, propensity: 0.5, reward: converted ? values[action] : 0, values, converted };
    });
  };
  const opts = { actions: ['none', 'pct20'], offerLambda: 4, poolLambda: NO_POOLING };
  const lift = (m: ReturnType<typeof fitConversionModel>, x: number[]): number => {
    const p = predictConversions(m, x);
    return (p['pct20']?.p ?? 0) - (p['none']?.p ?? 0);
  };

  /** The best possible lift at x: P(kind 1 | x) x 0.4, from the process that drew the log. */
  const trueLift = (levels: number[]): number => {
    const like = [0, 1, 2].map((k) => levels.reduce((p, l) => p * (l === k ? 0.8 + 0.2 / 3 : 0.2 / 3), 1));
    return (0.4 * (like[1] as number)) / like.reduce((a, b) => a + b, 0);
  };
  const patterns = [0, 1, 2].flatMap((a) => [0, 1, 2].flatMap((b) => [0, 1, 2].map((c) => [a, b, c])));
  const contextOf = (levels: number[]): number[] => {
    const x = new Array<number>(9).fill(0);
    levels.forEach((l, g) => (x[3 * g + l] = 1));
    return x;
  };
  /** Mean squared error of the model's lift over every behaviour pattern, weighted by how often it occurs. */
  const liftError = (m: ReturnType<typeof fitConversionModel>): number => {
    let err = 0;
    let mass = 0;
    for (const levels of patterns) {
      const weight = [0, 1, 2].reduce(
        (t, k) => t + levels.reduce((p, l) => p * (l === k ? 0.8 + 0.2 / 3 : 0.2 / 3), 1),
        0,
      );
      err += weight * (lift(m, contextOf(levels)) - trueLift(levels)) ** 2;
      mass += weight;
    }
    return err / mass;
  };

  it('learns an offer’s effect per kind of shopper closer to the truth than one effect per range', () => {
    const train = log(7);
    const plain = fitConversionModel(train, opts);
    const segmented = fitConversionModel(train, { ...opts, segmentGroups: GROUPS });
    expect(segmented.segments?.shares).toHaveLength(3);
    // One effect per range cannot say "two ranges of the persuadable kind": it errs where kinds mix.
    expect(liftError(segmented)).toBeLessThan(0.5 * liftError(plain));
    expect(Math.sqrt(liftError(segmented))).toBeLessThan(0.06);
  });

  it('serves from the raw features and round-trips its segments through JSON', () => {
    const m = fitConversionModel(log(8), { ...opts, segmentGroups: GROUPS, interactions: [[0, 3]] });
    const k = m.segments?.shares.length ?? 0;
    expect(m.featureMean).toHaveLength(9 + 1 + k);
    const loaded = conversionModelFromJSON(JSON.stringify(m));
    const x = shopper(2, () => 0);
    expect(predictConversions(loaded, x)).toEqual(predictConversions(m, x));
    const broken = { ...m, segments: { ...m.segments, shares: m.segments?.shares.map(() => 0.9) } };
    expect(() => conversionModelFromJSON(JSON.stringify(broken))).toThrow(/sum to 1/);
  });

  it('round-trips which of its segment groups are counted through JSON', () => {
    const m = fitConversionModel(log(8), {
      ...opts,
      segmentGroups: GROUPS.slice(0, 2),
      segmentCountGroups: [GROUPS[2]!],
    });
    expect(m.segments?.counted).toEqual([false, false, true]);
    const loaded = conversionModelFromJSON(JSON.stringify(m));
    expect(loaded.segments?.counted).toEqual([false, false, true]);
    const x = shopper(1, () => 0);
    expect(predictConversions(loaded, x)).toEqual(predictConversions(m, x));
    const broken = { ...m, segments: { ...m.segments, counted: [true] } };
    expect(() => conversionModelFromJSON(JSON.stringify(broken))).toThrow(/one boolean per group/);
  });

  it('serves its range offsets on their combination only and round-trips them through JSON', () => {
    const m = fitConversionModel(log(9), { ...opts, segmentGroups: GROUPS, rangeOffsets: false });
    expect(m.rangeOffsets).toBeUndefined();
    const shifted = { ...m, rangeOffsets: { groups: GROUPS, strength: 30, offsets: { '2,2,2': { pct20: 0.5 } } } };
    const loaded = conversionModelFromJSON(JSON.stringify(shifted));
    const on = shopper(2, () => 0);
    const off = shopper(1, () => 0);
    const logit = (p: number): number => Math.log(p / (1 - p));
    const pOf = (model: typeof m, x: number[]): number => predictConversions(model, x)['pct20']?.p ?? 0;
    expect(logit(pOf(loaded, on)) - logit(pOf(m, on))).toBeCloseTo(0.5, 6);
    expect(pOf(loaded, off)).toBe(pOf(m, off));
    const unknown = { ...shifted, rangeOffsets: { ...shifted.rangeOffsets, offsets: { '2,2,2': { pct30: 0.5 } } } };
    expect(() => conversionModelFromJSON(JSON.stringify(unknown))).toThrow(/unknown action pct30/);
  });
});
