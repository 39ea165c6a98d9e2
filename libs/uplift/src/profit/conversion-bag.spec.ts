import { fitConversionModel, predictConversions, predictProfits, withCandidateChoices } from './conversion-model';
import { conversionModelFromJSON } from './conversion-snapshot.codec';
import { persuadableLog } from './persuadable-log.test-fixture';

const log = persuadableLog;
const opts = { actions: ['none', 'pct20'], offerLambda: [1, 16, 64], bags: 3, bagShare: 0.6 };
const x = [1, Math.log(100)];
const values = { none: 40, pct20: 20 };

describe('a bag of conversion fits', () => {
  const decisions = log(3_000, 5);
  const bag = fitConversionModel(decisions, opts);

  it('fits each member on its own share of the decisions, without repeats', () => {
    expect(bag.members).toHaveLength(3);
    const sizes = (bag.members ?? []).map((m) => m.actions['none']?.n ?? 0);
    const none = decisions.filter((d) => d.action === 'none').length;
    for (const n of sizes) expect(n / none).toBeGreaterThan(0.55);
    for (const n of sizes) expect(n / none).toBeLessThan(0.65);
    expect(new Set(sizes).size).toBeGreaterThan(1);
  });

  it('serves the average of its members’ predictions, with counts on the scale of the whole log', () => {
    const served = predictProfits(bag, x, values);
    const own = (bag.members ?? []).map((m) => predictProfits(m, x, values));
    const mean = own.reduce((s, p) => s + (p['pct20']?.mean ?? NaN), 0) / own.length;
    const gainSd = own.reduce((s, p) => s + (p['pct20']?.gainSd ?? NaN), 0) / own.length;
    const n = own.reduce((s, p) => s + (p['pct20']?.n ?? NaN), 0) / own.length;
    expect(served['pct20']?.mean).toBeCloseTo(mean, 10);
    expect(served['pct20']?.gainSd).toBeCloseTo(gainSd, 10);
    expect(served['pct20']?.n).toBe(Math.round(n / 0.6));
    const p = predictConversions(bag, x);
    expect(p['pct20']?.p).toBeCloseTo(0.4, 1);
    expect(p['none']?.p).toBeCloseTo(0.1, 1);
  });

  it('repeats exactly on the same log, and a bag of one is a plain fit', () => {
    expect(fitConversionModel(decisions, opts)).toEqual(bag);
    const single = fitConversionModel(decisions, { ...opts, bags: 1 });
    expect(single.members).toBeUndefined();
    expect(single).toEqual(fitConversionModel(decisions, { actions: opts.actions, offerLambda: opts.offerLambda }));
  });

  it('fixes each member’s choices to the candidate’s member of the same place', () => {
    const candidate = fitConversionModel(log(1_500, 9), { ...opts, offerLambda: [1, 1_000] });
    const fixed = withCandidateChoices({ ...opts, offerLambda: [1, 1_000] }, candidate);
    const refit = fitConversionModel(decisions, fixed);
    expect(refit.members?.map((m) => m.offerLambda)).toEqual(candidate.members?.map((m) => m.offerLambda));
    // Searched in the candidate, fixed in the refit: no cross-validation ran there.
    expect(candidate.members?.every((m) => m.offerLambdaDeviance !== undefined)).toBe(true);
    expect(refit.members?.every((m) => m.offerLambdaDeviance === undefined)).toBe(true);
  });

  it('survives its JSON codec with the same predictions', () => {
    const loaded = conversionModelFromJSON(JSON.stringify(bag));
    expect(loaded.members).toHaveLength(3);
    expect(predictProfits(loaded, x, values)).toEqual(predictProfits(bag, x, values));
  });

  it('is refused by the codec with nested members, one member or a share outside (0, 1]', () => {
    const json = JSON.parse(JSON.stringify(bag)) as { members: unknown[]; bagShare: number };
    expect(() => conversionModelFromJSON({ ...json, members: [json, json] })).toThrow(/must not have members/);
    expect(() => conversionModelFromJSON({ ...json, members: json.members.slice(0, 1) })).toThrow(/two or more/);
    expect(() => conversionModelFromJSON({ ...json, bagShare: 1.5 })).toThrow(/bagShare/);
  });

  it('refuses a count of bags or a share that cannot be drawn', () => {
    expect(() => fitConversionModel(decisions, { ...opts, bags: 0 })).toThrow(/bags/);
    expect(() => fitConversionModel(decisions, { ...opts, bags: 2.5 })).toThrow(/bags/);
    expect(() => fitConversionModel(decisions, { ...opts, bagShare: 0 })).toThrow(/bagShare/);
  });
});
