import { seededRandom } from '@offerstream/core';
import { POLICY_FEATURES } from '@offerstream/decision';
import { fitReplayModel, loggedActions, replayPolicy, runPolicyReplay } from './policy-replay';

const at = (name: (typeof POLICY_FEATURES)[number]): number => POLICY_FEATURES.indexOf(name);

/**
 * Two rounds of a log where 20% off pays only for shoppers who cart (sessionCartAdds = 1: they buy 10% of the time
 * without it, 45% with it) and never for the others (30% either way), on a 100 item with a 40% margin.
 */
function simulatedLog(n: number, rounds = 2): object[] {
  const random = seededRandom(3);
  return Array.from({ length: n }, (_, i) => {
    const carts = random() < 0.5;
    const offer = random() < 0.3;
    const features = new Array<number>(POLICY_FEATURES.length).fill(0);
    features[at('sessionCartAdds')] = carts ? 1 : 0;
    features[at('logPrice')] = Math.log1p(100);
    features[at('marginRate')] = 0.4;
    const p = carts ? (offer ? 0.45 : 0.1) : 0.3;
    const purchased = random() < p;
    return {
      kind: offer ? 'offer' : 'no_offer',
      segment: carts ? 'carter' : 'browser',
      action: offer ? 'pct20' : 'none',
      probability: offer ? 0.3 : 0.7,
      features,
      reward: purchased ? (offer ? 20 : 40) : 0,
      candidates: [
        { action: 'none', cost: 0 },
        { action: 'pct20', cost: 20 },
      ],
      simulation: {
        round: 1 + Math.floor((i * rounds) / n),
        purchased,
        trueIncremental: { pct20: carts ? 0.45 * 20 - 0.1 * 40 : 0.3 * 20 - 0.3 * 40 },
      },
    };
  });
}

describe('replaying the conversion model’s policy on a simulated log', () => {
  it('values the greedy policy on the later rounds against the truth and the oracle at as many offers', () => {
    const r = replayPolicy(simulatedLog(4_000) as Parameters<typeof replayPolicy>[0], {
      trainRounds: 1,
      caution: 1,
      maxWeight: 1,
      offerLambdas: [1, 4, 16, 64],
      poolLambdas: [1e6],
    });
    expect(r.train).toBe(2_000);
    expect(r.test).toBe(2_000);
    // About half the later requests cart, and the policy should offer to them and to nobody else.
    expect(r.offers).toBeGreaterThan(800);
    expect(r.offers).toBeLessThan(1_200);
    expect(r.oracleShare).toBeGreaterThan(0.95);
    expect(r.live).toBeCloseTo(r.offers * 5, -2);
  });

  it('sets the model’s estimated gain per true type beside the truth', () => {
    const r = replayPolicy(simulatedLog(4_000) as Parameters<typeof replayPolicy>[0], {
      trainRounds: 1,
      caution: 1,
      maxWeight: 1,
      offerLambdas: [1],
      poolLambdas: [1e6],
    });
    // Carters gain 0.45 x 20 - 0.1 x 40 = 5 from 20% off; the others lose 0.3 x 20 = 6.
    expect(r.gains['carter/pct20']?.truth).toBeCloseTo(5, 10);
    expect(r.gains['browser/pct20']?.truth).toBeCloseTo(-6, 10);
    expect(r.gains['carter/pct20']?.estimate).toBeGreaterThan(3);
    expect(r.gains['browser/pct20']?.estimate).toBeLessThan(-4);
    expect((r.gains['carter/pct20']?.requests ?? 0) + (r.gains['browser/pct20']?.requests ?? 0)).toBe(r.test);
    // The model's purchase odds per type and action, beside what the log's shoppers did: carters buy 10% without the
    // offer and 45% with it, the others 30% either way.
    const conv = r.conversions;
    expect(conv['carter/none']?.model).toBeCloseTo(0.1, 1);
    expect(conv['carter/pct20']?.model).toBeCloseTo(0.45, 1);
    expect(conv['browser/none']?.model).toBeCloseTo(0.3, 1);
    expect(conv['carter/none']?.logged).toBeCloseTo(0.1, 1);
    expect(conv['carter/pct20']?.logged).toBeCloseTo(0.45, 1);
    expect((conv['carter/none']?.executed ?? 0) + (conv['carter/pct20']?.executed ?? 0)).toBe(
      conv['carter/none']?.requests,
    );
  });

  it('refits before each later round on every round before it when rolling, and scores each round on its own', () => {
    const log = simulatedLog(3_000, 3) as Parameters<typeof replayPolicy>[0];
    const settings = { trainRounds: 1, caution: 1, maxWeight: 1, offerLambdas: [4], poolLambdas: [1e6] };
    const fixed = replayPolicy(log, settings);
    const rolling = replayPolicy(log, { ...settings, rolling: true });
    expect(fixed.rounds.map((r) => [r.round, r.train])).toEqual([
      [2, 1_000],
      [3, 1_000],
    ]);
    expect(rolling.rounds.map((r) => [r.round, r.train])).toEqual([
      [2, 1_000],
      [3, 2_000],
    ]);
    // Round 2 is served the same model either way; the rounds add up to the whole.
    expect(rolling.rounds[0]).toEqual(fixed.rounds[0]);
    expect(rolling.rounds.reduce((t, r) => t + r.offers, 0)).toBe(rolling.offers);
    expect(rolling.rounds.reduce((t, r) => t + r.live, 0)).toBeCloseTo(rolling.live, 6);
    expect(rolling.oracleShare).toBeGreaterThan(0.9);
  });

  it('scores a live run beside its replay: what it executed, its greedy choices, the replay at its logged prices', () => {
    type Line = Parameters<typeof replayPolicy>[0][number];
    // The live run explored 20% off on 30% of requests (its greedy choice: no offer), and in round 3 the budget priced
    // each offer made at 100, more than any gain.
    const log = (simulatedLog(3_000, 3) as Line[]).map((d) => ({
      ...d,
      candidates: [
        { action: 'none', cost: 0, probability: 0.7 },
        { action: 'pct20', cost: 20, probability: 0.3 },
      ],
      reasonCodes: ['shadow_price:0.000', `offer_price:${d.simulation.round === 3 ? '100.00' : '0.00'}`],
      simulation: { ...d.simulation, executed: d.action },
    }));
    const r = replayPolicy(log, {
      trainRounds: 1,
      caution: 1,
      maxWeight: 1,
      offerLambdas: [4],
      poolLambdas: [1e6],
      rolling: true,
      againstLive: true,
    });
    const [two, three] = r.rounds;
    for (const round of [two, three]) {
      const lines = log.filter((d) => d.simulation.round === round?.round);
      const offered = lines.filter((d) => d.action === 'pct20');
      expect(round?.againstLive?.executed.offers).toBe(offered.length);
      expect(round?.againstLive?.executed.live).toBeCloseTo(
        offered.reduce((t, d) => t + (d.simulation.trueIncremental['pct20'] ?? 0), 0),
        6,
      );
      expect(round?.againstLive?.greedy.offers).toBe(0);
    }
    // Unpriced, the replay at the logged prices is the replay; at 100 per offer made it makes none.
    expect(two?.againstLive?.atLoggedPrices.offers).toBe(two?.offers);
    expect(two?.againstLive?.atLoggedPrices.live).toBeCloseTo(two?.live ?? Number.NaN, 6);
    expect(three?.offers).toBeGreaterThan(400);
    expect(three?.againstLive?.atLoggedPrices.offers).toBe(0);
  });

  it('serves the average of bagged fits, each on a share of the decisions, and repeats it exactly', () => {
    const log = simulatedLog(3_000, 3) as Parameters<typeof replayPolicy>[0];
    const settings = { trainRounds: 1, caution: 1, maxWeight: 1, offerLambdas: [4], poolLambdas: [1e6], rolling: true };
    const bagged = replayPolicy(log, { ...settings, bags: 3, bagShare: 0.5 });
    expect(replayPolicy(log, { ...settings, bags: 3, bagShare: 0.5 })).toEqual(bagged);
    // The service's default is one fit on everything, and so is the replay's.
    const single = replayPolicy(log, settings);
    expect(replayPolicy(log, { ...settings, bags: 1 })).toEqual({ ...single, bags: 1 });
    // Each fit sees about half of the rounds before it: its estimates differ from one fit's on them all.
    expect(bagged.gains['carter/pct20']?.estimate).not.toBe(single.gains['carter/pct20']?.estimate);
    expect(bagged.oracleShare).toBeGreaterThan(0.9);
  });

  it('fits as the service’s refit does on request: choices from the older 75%, the whole log fitted with them', () => {
    type Line = Parameters<typeof replayPolicy>[0][number];
    const log = simulatedLog(2_000) as Line[];
    const settings = { trainRounds: 2, caution: 1, maxWeight: 1, offerLambdas: [1, 4, 16, 64], poolLambdas: [1e6] };
    const actions = loggedActions(log);
    const older = fitReplayModel(log.slice(0, 1_500), actions, settings, 2);
    const whole = fitReplayModel(log, actions, settings, 2);
    const served = fitReplayModel(log, actions, { ...settings, servicePath: true }, 2);
    expect(served.offerLambda).toBe(older.offerLambda);
    // The data are the whole log's: its feature scaling, not the older share's.
    expect(served.featureMean).toEqual(whole.featureMean);
    expect(served.featureMean).not.toEqual(older.featureMean);
  });

  it('refuses a bag count or share out of range, before reading the log', () => {
    expect(() => runPolicyReplay(['--log', '/nonexistent.jsonl', '--bags', '0'])).toThrow(/--bags must be an integer/);
    expect(() => runPolicyReplay(['--log', '/nonexistent.jsonl', '--bag-share', '1.5'])).toThrow(/--bag-share/);
  });

  it('refuses an inverse-propensity weight cap under 1, before reading the log', () => {
    for (const cap of ['0.5', 'x'])
      expect(() => runPolicyReplay(['--log', '/nonexistent.jsonl', '--service-path', '--max-weight', cap])).toThrow(
        /--max-weight must be a number >= 1/,
      );
  });

  it('refuses a seed for the segments’ EM starts that is not a whole number, before reading the log', () => {
    expect(() => runPolicyReplay(['--log', '/nonexistent.jsonl', '--segment-seed', '1.5'])).toThrow(
      /--segment-seed must be an integer/,
    );
  });

  it('refuses a log with nothing after the training rounds', () => {
    expect(() =>
      replayPolicy(simulatedLog(100) as Parameters<typeof replayPolicy>[0], {
        trainRounds: 2,
        caution: 1,
        maxWeight: 1,
        offerLambdas: [16],
        poolLambdas: [1e6],
      }),
    ).toThrow(/after --train-rounds/);
  });
});
