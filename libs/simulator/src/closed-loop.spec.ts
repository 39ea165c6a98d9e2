import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chooseOffer, POLICY_FEATURES } from '@offerstream/decision';
import { seededRandom } from '@offerstream/core';
import { predictProfits, type ConversionModelSnapshot } from '@offerstream/uplift';
import {
  actionsFor,
  arrivals,
  loadRequests,
  runClosedLoop,
  type ClosedLoopSettings,
  type LoggedRequest,
} from './closed-loop';
import { smallMarket } from './testing/small-market';

const market = smallMarket('two-types', [40, 60], 4, [
  { name: 'shipping', share: 0.5, baseBuy: 0.1, oddsLift: { pct10: 1, pct20: 1, free_shipping: 8 } },
  { name: 'anyway', share: 0.5, baseBuy: 0.5, oddsLift: { pct10: 1, pct20: 1, free_shipping: 1 } },
]);

/** Shoppers of each type, told apart by one feature (sessionViews), at prices 40..60 with half the price margin. */
function pool(): LoggedRequest[] {
  const at = (name: string): number => POLICY_FEATURES.indexOf(name as (typeof POLICY_FEATURES)[number]);
  return Array.from({ length: 200 }, (_, i) => {
    const shipping = i % 2 === 0;
    const price = 40 + (i % 21);
    const x = new Array<number>(POLICY_FEATURES.length).fill(0);
    x[at('sessionViews')] = shipping ? 1 : 0;
    x[at('logPrice')] = Math.log1p(price);
    x[at('marginRate')] = 0.5;
    x[at('baseProbability')] = shipping ? 0.1 : 0.5;
    return { features: x, segment: shipping ? 'shipping' : 'anyway', price, cost: price / 2 };
  });
}

const settings: ClosedLoopSettings = {
  rounds: 4,
  perRound: 600,
  holdout: 0.1,
  refitEvery: 300,
  explorationMax: 0.3,
  explorationMin: 0.05,
  explorationScale: 2_000,
  policy: { exploration: 0, minActionExamples: 30, caution: 1 },
  offerLambdas: [4, 16],
  poolLambdas: [1e6],
  maxWeight: 20,
  seed: 7,
};

describe('the closed-loop simulation', () => {
  let served: ConversionModelSnapshot | null = null;
  const rounds = runClosedLoop(pool(), market, {
    ...settings,
    onRefit: (_n, promoted, model) => {
      if (promoted) served = model;
    },
  });

  it('learns to give free shipping to the shoppers it persuades and nothing to those who buy anyway', () => {
    const last = rounds[rounds.length - 1]!;
    expect(last.bySegment['shipping/free_shipping']?.offers ?? 0).toBeGreaterThan(150);
    expect(last.live).toBeGreaterThan(0.5 * last.oracleSameCount);
    // The policy's greedy choice under the last model served, for every logged shopper: what it does when it does not
    // explore (exploration, still about 0.2 in the last round, spends on shoppers who buy anyway by design).
    const m = served;
    if (!m) throw new Error('no model was promoted');
    const model = {
      version: 'test',
      predict: (x: readonly number[], v: Record<string, number>) => predictProfits(m, x, v),
    };
    for (const r of pool()) {
      const type = market.userTypes.find((t) => t.name === r.segment)!;
      const actions = actionsFor({ type, price: r.price, cost: r.cost, shippingCost: market.shippingCost });
      const target = { items: ['i'], price: r.price, margin: r.price - r.cost, baseProbability: 0 };
      const choice = chooseOffer(model, r.features, actions, target, settings.policy, 0, () => 0.5);
      expect([r.segment, choice.greedy]).toEqual([r.segment, r.segment === 'shipping' ? 'free_shipping' : 'none']);
    }
  });

  it('never scores the policy above the oracle at its own number of offers', () => {
    for (const r of rounds) expect(r.live).toBeLessThanOrEqual(r.oracleSameCount + 1e-9);
  });

  it('gives the same rounds for the same seed, so two settings can be compared on one seed', () => {
    expect(runClosedLoop(pool(), market, { ...settings, rounds: 2 })).toEqual(rounds.slice(0, 2));
  });

  it('explores at the rate of the model it serves, as the service does, not of a log that has not been fitted yet', () => {
    // No refit ever: the service serves its prior all along, and its exploration share stays at the start.
    const unfitted = { ...settings, rounds: 1, perRound: 2_000, explorationMax: 0.4, explorationScale: 100 };
    const [r] = runClosedLoop(pool(), market, { ...unfitted, refitEvery: Number.MAX_SAFE_INTEGER });
    // Three offers of four actions are drawn 0.4 of the time: about 0.3 of the 1,800 requests not held out.
    expect(r!.offers).toBeGreaterThan(0.25 * 1_800);
    expect(r!.offers).toBeLessThan(0.35 * 2_000);
  });

  it('serves the average of several fits when asked for bags, as the service does with PROFIT_BAGS', () => {
    const served: (number | undefined)[] = [];
    runClosedLoop(pool(), market, {
      ...settings,
      rounds: 1,
      bags: 2,
      bagShare: 0.7,
      onRefit: (_n, promoted, model) => {
        if (promoted) served.push(model?.members?.length);
      },
    });
    expect(served.length).toBeGreaterThan(0);
    expect(served.every((members) => members === 2)).toBe(true);
  });

  it('gives the campaign report an interval that holds the true profit in about 95% of runs', () => {
    const noLearning = { ...settings, rounds: 1, perRound: 400, refitEvery: Number.MAX_SAFE_INTEGER };
    let covered = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const [r] = runClosedLoop(pool(), market, { ...noLearning, seed });
      if (r && r.report.lower <= r.truthToDate && r.truthToDate <= r.report.upper) covered++;
    }
    expect(covered).toBeGreaterThanOrEqual(180);
    expect(covered).toBeLessThanOrEqual(199);
  });

  it('never makes more offers than the campaign’s count, and paced it still makes offers in the last round', () => {
    const count = 500;
    const unpaced = runClosedLoop(pool(), market, { ...settings, offerCount: count, paceOffers: false });
    const paced = runClosedLoop(pool(), market, { ...settings, offerCount: count, paceOffers: true });
    for (const run of [unpaced, paced]) expect(run.reduce((t, r) => t + r.offers, 0)).toBeLessThanOrEqual(count);
    expect(unpaced[unpaced.length - 1]!.offers).toBe(0);
    expect(paced[paced.length - 1]!.offers).toBeGreaterThan(0);
  });

  it('refuses a log whose shoppers are not of the market’s types', () => {
    const stray = pool().map((r) => ({ ...r, segment: 'elsewhere' }));
    expect(() => runClosedLoop(stray, market, settings)).toThrow(/elsewhere/);
  });
});

describe('the closed loop’s arrivals', () => {
  const shoppers = pool().slice(0, 50);
  const draw = (seed: number, n: number): LoggedRequest[] => {
    const next = arrivals(shoppers, seededRandom(seed));
    return Array.from({ length: n }, () => next());
  };

  it('bring every logged shopper once before any comes back, as a live run’s shoppers are all new', () => {
    const first = draw(3, 50);
    expect(new Set(first).size).toBe(50);
    const twice = draw(3, 100);
    for (const r of shoppers) expect(twice.filter((x) => x === r)).toHaveLength(2);
    expect(new Set(twice.slice(50)).size).toBe(50);
  });

  it('come in an order the seed shuffles, the same for the same seed', () => {
    expect(draw(3, 50)).toEqual(draw(3, 50));
    expect(draw(3, 50)).not.toEqual(draw(4, 50));
    expect(draw(3, 50)).not.toEqual(shoppers);
  });
});

describe('the closed loop’s requests from a simulator log', () => {
  const dir = mkdtempSync(join(tmpdir(), 'closed-loop-'));
  const file = join(dir, 'log.jsonl');
  const line = (segment: string | undefined): string =>
    JSON.stringify({ segment, features: pool()[0]?.features.map((v, i) => v + i) });
  writeFileSync(file, [line('shipping'), line(undefined), '', line('anyway')].join('\n'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keep every decision with features and a true type, and can leave a feature out for everyone', () => {
    const views = POLICY_FEATURES.indexOf('sessionViews');
    expect(loadRequests(file).map((r) => r.segment)).toEqual(['shipping', 'anyway']);
    const without = loadRequests(file, ['sessionViews']);
    expect(without.map((r) => r.features[views])).toEqual([0, 0]);
    expect(without[0]?.features[views + 1]).toBe(loadRequests(file)[0]?.features[views + 1]);
  });

  it('refuse to leave out a feature the policy does not have', () => {
    expect(() => loadRequests(file, ['shoeSize'])).toThrow(/unknown policy feature shoeSize/);
  });
});
