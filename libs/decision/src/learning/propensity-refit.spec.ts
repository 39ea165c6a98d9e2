import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '@offerstream/core';
import { DEFAULT_PROPENSITY, PROPENSITY_FEATURES, sigmoid, type FeatureVector } from '../policy/propensity.model';
import type { TrainingExample } from '../policy/propensity.store';
import { fitInline, refitPropensity, rocAuc, type RefitOptions } from './propensity-refit';
import { runPropensityTraining } from './propensity-training';

/** Outcomes of offers whose true propensity depends on affinity and the cart far more than the prior assumes. */
function plantedExamples(n: number, seed: number): TrainingExample[] {
  const rnd = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const features = Object.fromEntries(PROPENSITY_FEATURES.map((f) => [f, rnd()])) as FeatureVector;
    features.inCart = rnd() < 0.3 ? 1 : 0;
    const label = rnd() < sigmoid(-2.5 + 3 * features.affinity + 1.5 * features.inCart) ? 1 : 0;
    return { offerId: `o-${seed}-${i}`, features, label, at: '' };
  });
}

const opts: RefitOptions = { heldOutShare: 0.25, epochs: 300, prior: DEFAULT_PROPENSITY };

describe('propensity refit decision', () => {
  it('publishes a refit whose held-out log loss beats the current weights', async () => {
    const r = await refitPropensity(plantedExamples(3000, 1), DEFAULT_PROPENSITY, opts, fitInline);
    expect(r.heldOut).toBeGreaterThan(600);
    expect(r.heldOutLogLoss).toBeLessThan(r.currentLogLoss);
    expect(r.publish).toBe(true);
    expect(r.heldOutAuc!).toBeGreaterThan(0.65);
  });

  it('keeps the current weights when the candidate is no better on the held-out slice', async () => {
    const examples = plantedExamples(3000, 2);
    const first = await refitPropensity(examples, DEFAULT_PROPENSITY, opts, fitInline);
    // Refitting the same log again gives the same weights: equal loss is not an improvement.
    const same = await refitPropensity(examples, first.candidate, opts, fitInline);
    expect(same.heldOutLogLoss).toBeCloseTo(same.currentLogLoss, 12);
    expect(same.publish).toBe(false);
    // A candidate that is worse (here: a fit that shifts every score up) is never published.
    const worse = await refitPropensity(examples, first.candidate, opts, async (...a) => ({
      ...(await fitInline(...a)),
      bias: 2,
    }));
    expect(worse.heldOutLogLoss).toBeGreaterThan(worse.currentLogLoss);
    expect(worse.publish).toBe(false);
  });

  it('publishes nothing when the held-out slice is empty', async () => {
    const r = await refitPropensity(plantedExamples(50, 3), DEFAULT_PROPENSITY, opts, fitInline);
    const none = await refitPropensity(
      plantedExamples(50, 3),
      DEFAULT_PROPENSITY,
      { ...opts, heldOutShare: 0 },
      fitInline,
    );
    expect(r.heldOut).toBeGreaterThan(0);
    expect(none.heldOut).toBe(0);
    expect(none.publish).toBe(false);
  });
});

describe('propensity training metrics', () => {
  it('computes AUC as the chance a positive outranks a negative, ties counting half', () => {
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(rocAuc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
    expect(rocAuc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
    expect(rocAuc([0.3, 0.4], [1, 1])).toBeNull();
  });

  it('fits from an exported JSONL file and reports held-out log loss and AUC against the prior', () => {
    const dir = mkdtempSync(join(tmpdir(), 'propensity-'));
    const input = join(dir, 'examples.jsonl');
    const out = join(dir, 'weights.json');
    const lines = plantedExamples(2000, 4).map((e, i) =>
      JSON.stringify(
        i % 2
          ? { features: e.features, label: e.label }
          : { features: PROPENSITY_FEATURES.map((f) => e.features[f]), label: e.label === 1 },
      ),
    );
    writeFileSync(input, [...lines, 'not json', '{"features":{},"label":"maybe"}'].join('\n'));
    const r = runPropensityTraining(['--input', input, '--out', out, '--epochs', '200'], () => undefined) as {
      examples: number;
      heldOut: number;
      fitted: { logLoss: number; auc: number };
      prior: { logLoss: number; auc: number };
      improved: boolean;
    };
    expect(r.examples).toBe(2000);
    expect(r.heldOut).toBeGreaterThan(250);
    expect(r.fitted.logLoss).toBeLessThan(r.prior.logLoss);
    expect(r.fitted.auc).toBeGreaterThan(0.65);
    expect(r.improved).toBe(true);
    expect(
      (JSON.parse(readFileSync(out, 'utf8')) as { weights: { affinity: number } }).weights.affinity,
    ).toBeGreaterThan(1.5);
  });
});
