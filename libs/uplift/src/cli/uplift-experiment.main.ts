import { parseArgs } from 'node:util';
import { HILLSTROM_ACTIONS, loadHillstromCsv } from '../data/hillstrom-dataset';
import { HILLSTROM_FEATURE_NAMES } from '../data/hillstrom-features';
import { selectAndTest, splitByArm } from '../evaluation/uplift-evaluation';
import { upliftCandidates } from '../model/uplift-candidates';

const USAGE = `usage: node tools/run-ts.cjs libs/uplift/src/cli/uplift-experiment.main.ts FILE [--seeds 1,2,3] [--budget 0.3] [--folds 5] [--model NAME]
Splits FILE 70/30 by arm once per seed and runs the same selection-then-test as \`evaluate uplift\` on each split.
It only reports how stable the choice and its test gain are across splits; nothing here may feed back into the
candidates or the rule (that would tune on test data again). One JSON line per seed on stderr, a summary on stdout.`;

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      seeds: { type: 'string', default: '1,2,3,4,5' },
      budget: { type: 'string', default: '0.3' },
      folds: { type: 'string', default: '5' },
      model: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const file = positionals[0] ?? '../shared/datasets/hillstrom/hillstrom_dev.csv';
  const seeds = values.seeds.split(',').map(Number);
  const budget = Number(values.budget);
  const folds = Number(values.folds);
  const rows = loadHillstromCsv(file);
  const candidates = upliftCandidates({
    actions: HILLSTROM_ACTIONS,
    controlAction: 'none',
    featureNames: HILLSTROM_FEATURE_NAMES,
    target: 'visit',
  });
  const lines: { seed: number; chosen: string; gain: number; perArmGain: number }[] = [];
  for (const seed of seeds) {
    const started = Date.now();
    const { train, test } = splitByArm(rows, 0.3, seed);
    const r = selectAndTest(train, test, candidates, {
      budget,
      folds,
      seed,
      bootstrap: 200,
      model: values.model ?? null,
    });
    const gain = r.test['gain_vs_random_visit'] as number;
    const perArmGain = r.reference ? (r.reference['gain_vs_random_visit'] as number) : gain;
    const folded =
      'candidates' in r.selection
        ? r.selection.candidates.map((c) => ({
            name: c.name,
            folds: c.folds.map((g) => Math.round(g * 1e4) / 1e4),
            mean: c.mean,
            se: c.se,
          }))
        : null;
    const line = {
      seed,
      chosen: r.chosen,
      gain,
      ci90: r.test['gain_vs_random_visit_bootstrap_90ci'],
      perArmGain,
      folds: folded,
      seconds: (Date.now() - started) / 1000,
    };
    lines.push({ seed, chosen: r.chosen, gain, perArmGain });
    process.stderr.write(`${JSON.stringify(line)}\n`);
  }
  const mean = (v: number[]): number => Math.round((v.reduce((a, b) => a + b, 0) / v.length) * 1e4) / 1e4;
  const chosen: Record<string, number> = {};
  for (const l of lines) chosen[l.chosen] = (chosen[l.chosen] ?? 0) + 1;
  process.stdout.write(
    `${JSON.stringify({ budget, seeds, chosen, mean_gain: mean(lines.map((l) => l.gain)), mean_per_arm_lr_gain: mean(lines.map((l) => l.perArmGain)) })}\n`,
  );
}

main();
