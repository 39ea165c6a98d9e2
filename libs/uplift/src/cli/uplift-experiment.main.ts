import { HILLSTROM_ACTIONS, loadHillstromCsv } from '../data/hillstrom-dataset';
import { encodeHillstromCustomer, HILLSTROM_FEATURE_NAMES } from '../data/hillstrom-features';
import { splitByArm, evaluateOnTest } from '../evaluation/uplift-evaluation';
import { DEFAULT_LEARNER_OPTIONS, trainUpliftModel, type UpliftLearnerOptions } from '../model/uplift-learner';

/**
 * Robustness check across several random train/test splits of one file:
 *   node tools/run-ts.cjs libs/uplift/src/cli/uplift-experiment.main.ts FILE --seeds 1,2,3 [--config JSON]
 * `--config` overrides learner options (e.g. '{"effectWeight":0.7}'). Prints one JSON line per seed and a summary.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const file = args[0] ?? '../shared/datasets/hillstrom/hillstrom_dev.csv';
  const opt = (name: string): string | undefined => {
    const k = args.indexOf(name);
    return k >= 0 ? args[k + 1] : undefined;
  };
  const seeds = (opt('--seeds') ?? '1,2,3,4,5').split(',').map(Number);
  const budget = Number(opt('--budget') ?? '0.3');
  const override = JSON.parse(opt('--config') ?? '{}') as Partial<UpliftLearnerOptions>;
  const rows = loadHillstromCsv(file);
  const summary: Record<string, number[]> = { gain: [], qiniMens: [], qiniWomens: [], freeVisit: [], allMens: [], seconds: [] };
  for (const seed of seeds) {
    const started = Date.now();
    const { train, test } = splitByArm(rows, 0.3, seed);
    const model = trainUpliftModel(
      {
        x: train.map(encodeHillstromCustomer),
        action: train.map((r) => HILLSTROM_ACTIONS.indexOf(r.action)),
        y: train.map((r) => r.visit),
      },
      {
        ...DEFAULT_LEARNER_OPTIONS,
        seed,
        actions: HILLSTROM_ACTIONS,
        controlAction: 'none',
        featureNames: HILLSTROM_FEATURE_NAMES,
        target: 'visit',
        ...override,
      },
    );
    const r = evaluateOnTest(model, train, test, budget, 0, seed);
    const policies = r['policies'] as Record<string, { visit: { snips: number } }>;
    const qini = r['qini_visit'] as { mens: number; womens: number };
    const line = {
      seed,
      gain: r['gain_vs_random_visit'] as number,
      qiniMens: qini.mens,
      qiniWomens: qini.womens,
      freeVisit: policies['learned_unconstrained']?.visit.snips ?? NaN,
      allMens: policies['all_mens']?.visit.snips ?? NaN,
      seconds: (Date.now() - started) / 1000,
    };
    for (const key of Object.keys(summary)) (summary[key] as number[]).push(line[key as keyof typeof line]);
    process.stderr.write(`${JSON.stringify(line)}\n`);
  }
  const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
  const out: Record<string, unknown> = { config: override, budget, seeds };
  for (const [k, v] of Object.entries(summary)) out[`mean_${k}`] = Math.round(mean(v) * 10000) / 10000;
  out['min_gain'] = Math.min(...(summary['gain'] as number[]));
  out['min_qiniWomens'] = Math.min(...(summary['qiniWomens'] as number[]));
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

void main();
