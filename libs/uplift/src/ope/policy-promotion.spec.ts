import { fitRewardModel } from '../profit/reward-model';
import { SeededRandom } from '@offerstream/core';
import { promotionVerdict, shouldPromote } from './policy-promotion';
import { normalInterval } from './policy-evaluation';
import { ridgeScorer } from './standard-policies';
import { SIMULATED_ACTIONS, simulateDecisionLog } from './simulated-decision-log';

const actions = [...SIMULATED_ACTIONS];

describe('promotion check', () => {
  const train = simulateDecisionLog(3000, new SeededRandom(21));
  const heldOut = simulateDecisionLog(3000, new SeededRandom(22));
  const good = fitRewardModel(train, { actions });
  // Trained on negated rewards, its greedy policy picks the worst action everywhere.
  const bad = fitRewardModel(
    train.map((d) => ({ ...d, reward: -d.reward })),
    { actions },
  );

  it('promotes a model that beats no offer when there is no current model', () => {
    const r = shouldPromote(heldOut, ridgeScorer(good), null);
    expect(r.promote).toBe(true);
    expect(r.difference.lower).toBeGreaterThan(0);
    expect(r.difference.value).toBeCloseTo(r.candidate.value - r.current.value, 10);
  });

  it('refuses a first model that is reliably worse than making no offers', () => {
    const r = shouldPromote(heldOut, ridgeScorer(bad), null);
    expect(r.promote).toBe(false);
    expect(r.overNone.upper).toBeLessThan(0);
  });

  it('refuses a candidate worse than no offer even when a model is in use, and reports its difference from it', () => {
    const r = shouldPromote(heldOut, ridgeScorer(bad), ridgeScorer(good));
    expect(r.promote).toBe(false);
    expect(r.difference.upper).toBeLessThan(0);
    expect(r.reason).toMatch(/worse than no offer/);
  });

  it('serves the newer fit when it and the model in use are both reliably worse than no offer', () => {
    const worse = fitRewardModel(
      simulateDecisionLog(3000, new SeededRandom(24)).map((d) => ({ ...d, reward: -d.reward })),
      { actions },
    );
    const r = shouldPromote(heldOut, ridgeScorer(bad), ridgeScorer(worse));
    expect(r.overNone.upper).toBeLessThan(0);
    expect(r.currentOverNone.upper).toBeLessThan(0);
    expect(r.promote).toBe(true);
    expect(r.reason).toMatch(/both reliably worse than no offer/);
  });

  it('reports the model in use against no offer, which is exactly 0 when there is none', () => {
    const first = shouldPromote(heldOut, ridgeScorer(good), null);
    expect(first.currentOverNone.value).toBe(0);
    const next = shouldPromote(heldOut, ridgeScorer(bad), ridgeScorer(good));
    expect(next.currentOverNone.lower).toBeGreaterThan(0);
    expect(next.overNone.value - next.currentOverNone.value).toBeCloseTo(next.difference.value, 10);
  });

  it('promotes a retrain of the same quality when it is not estimated worse than the model in use', () => {
    const retrained = fitRewardModel(simulateDecisionLog(3000, new SeededRandom(23)), { actions });
    const r = shouldPromote(heldOut, ridgeScorer(retrained), ridgeScorer(good));
    expect(r.overNone.lower).toBeGreaterThan(0);
    // A retrain of the same quality is not reliably worse than the model in use either.
    expect(r.difference.upper).toBeGreaterThanOrEqual(0);
    expect(r.promote).toBe(true);
  });

  describe('the rule on its three estimates', () => {
    const interval = (value: number, se: number) => normalInterval(value, se, 0.95);

    it('serves a candidate the check rates above the model in use though only its own interval excludes no offer', () => {
      // Lathe 282's refused refit: candidate - none -0.10 [-0.18, -0.03], current - none -0.13 [-0.38, 0.11].
      const v = promotionVerdict(interval(-0.1, 0.038), interval(-0.133, 0.124), interval(0.033, 0.128));
      expect(v.promote).toBe(true);
      expect(v.reason).toMatch(/estimated no worse than current/);
    });

    it('keeps the model in use when the candidate fails the no-offer test and the model in use scores higher', () => {
      const v = promotionVerdict(interval(-0.1, 0.038), interval(0.05, 0.124), interval(-0.15, 0.1));
      expect(v.promote).toBe(false);
      expect(v.reason).toMatch(/reliably worse than no offer/);
    });

    it('refuses a first model that fails the no-offer test, its difference from no offer being the same test', () => {
      const overNone = interval(-0.1, 0.038);
      expect(promotionVerdict(overNone, interval(0, 0), overNone).promote).toBe(false);
    });
  });
});
