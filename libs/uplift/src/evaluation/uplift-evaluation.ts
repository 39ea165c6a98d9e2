import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ValidationError, SeededRandom } from '@offerstream/core';
import { HILLSTROM_ACTIONS, loadHillstromCsv, type HillstromRecord } from '../data/hillstrom-dataset';
import { encodeHillstromCustomer, HILLSTROM_FEATURE_NAMES } from '../data/hillstrom-features';
import { UPLIFT_CANDIDATE_NAMES, upliftCandidates, type UpliftCandidate } from '../model/uplift-candidates';
import { DEFAULT_LEARNER_OPTIONS, type UpliftTrainingData } from '../model/uplift-learner';
import type { UpliftModel } from '../model/uplift-model';
import { selectUpliftModel, SELECTION_RULE, type ModelSelection } from './model-selection';
import { evaluateOnTest } from './test-evaluation';

export { evaluateOnTest } from './test-evaluation';

export const QINI_NORMALIZATION =
  'scikit-uplift qini_auc_score(negative_effect=True): rows sorted by predicted uplift (ties grouped), ' +
  'Qini(k) = Y_t(k) - Y_c(k)*N_t(k)/N_c(k); (AUC_model - AUC_random) / (AUC_perfect - AUC_random) with the ' +
  'random line from (0,0) to the curve end and the perfect curve sorting treated responders first and control ' +
  'responders last; computed per e-mail arm on the test rows of that arm plus the No E-Mail rows.';

export const UPLIFT_EVALUATION_USAGE = `usage: npm run evaluate -- uplift --train FILE [--test FILE] [flags]
  --train FILE          Hillstrom CSV to fit on; model selection runs on it alone
  --test FILE           Hillstrom CSV scored once with the chosen model (without it: a seeded split of --train)
  --budget F            share of customers that may be treated (default 0.3)
  --model NAME          skip selection and use ${UPLIFT_CANDIDATE_NAMES.join(' | ')}
  --folds K             cross-validation folds for the selection (default 5)
  --seed N              seed of the folds, the learners and the split (default 42)
  --test-fraction F     test share of the split when --test is absent (default 0.3)
  --effect-weight F     DR-learner weight inside the blended candidate (default ${DEFAULT_LEARNER_OPTIONS.effectWeight})
  --bags N              bags of the blended candidate (default 1)
  --bootstrap N         bootstrap resamples for the test interval (default 200)
  --model-out FILE      write the chosen model, refitted on all of --train, as JSON
  --help                this text
Selection rule: ${SELECTION_RULE}`;

interface EvaluationFlags {
  readonly train: string;
  readonly test: string | null;
  readonly budget: number;
  readonly seed: number;
  readonly testFraction: number;
  readonly folds: number;
  readonly model: string | null;
  readonly effectWeight: number;
  readonly bags: number;
  readonly modelOut: string | null;
  readonly bootstrap: number;
}

function parseWith(args: string[]) {
  return parseArgs({
    args,
    strict: true,
    options: {
      train: { type: 'string' },
      test: { type: 'string' },
      budget: { type: 'string', default: '0.3' },
      seed: { type: 'string', default: '42' },
      'test-fraction': { type: 'string', default: '0.3' },
      folds: { type: 'string', default: '5' },
      model: { type: 'string' },
      'effect-weight': { type: 'string', default: String(DEFAULT_LEARNER_OPTIONS.effectWeight) },
      bags: { type: 'string', default: String(DEFAULT_LEARNER_OPTIONS.bags ?? 1) },
      'model-out': { type: 'string' },
      bootstrap: { type: 'string', default: '200' },
      help: { type: 'boolean', default: false },
    },
  });
}

function parseFlags(argv: readonly string[]): EvaluationFlags | null {
  const args = [...argv];
  if (args[0] === 'evaluate') args.shift();
  if (args[0] === 'uplift') args.shift();
  let parsed: ReturnType<typeof parseWith>;
  try {
    parsed = parseWith(args);
  } catch (error) {
    throw new ValidationError(`${error instanceof Error ? error.message : String(error)} (see --help)`, {
      usage: UPLIFT_EVALUATION_USAGE,
    });
  }
  const { values } = parsed;
  if (values.help) return null;
  const num = (name: keyof typeof values, lo: number, hi: number, integer = false): number => {
    const v = Number(values[name]);
    if (!Number.isFinite(v) || v < lo || v > hi || (integer && !Number.isInteger(v))) {
      throw new ValidationError(`--${name} must be ${integer ? 'an integer' : 'a number'} in [${lo}, ${hi}]`, {
        usage: UPLIFT_EVALUATION_USAGE,
      });
    }
    return v;
  };
  if (!values.train) throw new ValidationError('--train FILE is required', { usage: UPLIFT_EVALUATION_USAGE });
  if (values.model !== undefined && !(UPLIFT_CANDIDATE_NAMES as readonly string[]).includes(values.model)) {
    throw new ValidationError(`--model must be one of ${UPLIFT_CANDIDATE_NAMES.join(', ')}`, { model: values.model });
  }
  return {
    train: values.train,
    test: values.test ?? null,
    budget: num('budget', 0, 1),
    seed: num('seed', 0, 2 ** 31, true),
    testFraction: num('test-fraction', 0.05, 0.95),
    folds: num('folds', 2, 20, true),
    model: values.model ?? null,
    effectWeight: num('effect-weight', 0, 1),
    bags: num('bags', 1, 50, true),
    modelOut: values['model-out'] ?? null,
    bootstrap: num('bootstrap', 0, 10000, true),
  };
}

/** Stratified by logged action so both halves keep the experiment's 1/3 design. */
export function splitByArm(
  rows: readonly HillstromRecord[],
  testFraction: number,
  seed: number,
): { train: HillstromRecord[]; test: HillstromRecord[] } {
  const rng = new SeededRandom(seed);
  const train: HillstromRecord[] = [];
  const test: HillstromRecord[] = [];
  for (const action of HILLSTROM_ACTIONS) {
    const group = rng.shuffle(rows.filter((r) => r.action === action));
    const cut = Math.round(group.length * testFraction);
    test.push(...group.slice(0, cut));
    train.push(...group.slice(cut));
  }
  return { train, test };
}

export function hillstromTrainingData(rows: readonly HillstromRecord[]): UpliftTrainingData {
  return {
    x: rows.map(encodeHillstromCustomer),
    action: rows.map((r) => HILLSTROM_ACTIONS.indexOf(r.action)),
    y: rows.map((r) => r.visit),
  };
}

export interface SelectAndTestOptions {
  readonly budget: number;
  readonly folds: number;
  readonly seed: number;
  readonly bootstrap: number;
  /** Forces one candidate by name and skips the cross-validation. */
  readonly model?: string | null;
  readonly log?: (message: string) => void;
}

export interface SelectAndTestResult {
  readonly selection: ModelSelection | { readonly forced: string };
  readonly chosen: string;
  readonly model: UpliftModel;
  /** The chosen model, refitted on all training rows, scored once on the test rows. */
  readonly test: Record<string, unknown>;
  /** The per-arm LR scored on test beside the chosen model, for the record only (never used to choose). */
  readonly reference: Record<string, unknown> | null;
}

/**
 * Chooses a candidate by cross-validation on `train` alone, refits it on all of `train` and scores it once
 * on `test`. The test rows are first touched after the choice is fixed.
 */
export function selectAndTest(
  train: readonly HillstromRecord[],
  test: readonly HillstromRecord[],
  candidates: readonly UpliftCandidate[],
  options: SelectAndTestOptions,
): SelectAndTestResult {
  const data = hillstromTrainingData(train);
  let selection: ModelSelection | { readonly forced: string };
  let chosen: string;
  if (options.model) {
    chosen = options.model;
    selection = { forced: chosen };
  } else {
    const selected = selectUpliftModel(data, candidates, {
      actions: HILLSTROM_ACTIONS,
      controlAction: 'none',
      folds: options.folds,
      seed: options.seed,
      budget: options.budget,
      ...(options.log ? { log: options.log } : {}),
    });
    selection = selected;
    chosen = selected.chosen;
  }
  const candidate = candidates.find((c) => c.name === chosen);
  if (!candidate)
    throw new ValidationError(`no candidate named ${chosen}`, { candidates: candidates.map((c) => c.name) });
  options.log?.(`chosen ${chosen}; refitting on all ${train.length} training rows`);
  const model = candidate.train(data, options.seed);
  const result = evaluateOnTest(model, train, test, options.budget, options.bootstrap, options.seed);
  const simplest = candidates[0];
  const reference =
    simplest && simplest.name !== chosen
      ? evaluateOnTest(simplest.train(data, options.seed), train, test, options.budget, options.bootstrap, options.seed)
      : null;
  return { selection, chosen, model, test: result, reference };
}

function stderr(message: string): void {
  process.stderr.write(`[uplift] ${message}\n`);
}

/** `evaluate uplift --train FILE [--test FILE] [--budget F] [--model NAME] [--folds K]` on the Hillstrom e-mails. */
export async function runUpliftEvaluation(argv: string[]): Promise<Record<string, unknown>> {
  const started = Date.now();
  const flags = parseFlags(argv);
  if (!flags) {
    process.stderr.write(`${UPLIFT_EVALUATION_USAGE}\n`);
    return { command: 'evaluate uplift', usage: UPLIFT_EVALUATION_USAGE };
  }
  const all = loadHillstromCsv(flags.train);
  let train: HillstromRecord[];
  let test: HillstromRecord[];
  let split: Record<string, unknown>;
  if (flags.test) {
    train = all;
    test = loadHillstromCsv(flags.test);
    split = { kind: 'given', train: flags.train, test: flags.test };
  } else {
    ({ train, test } = splitByArm(all, flags.testFraction, flags.seed));
    split = {
      kind: 'holdout-split-of-train-file',
      note: `no --test given: ${flags.train} was split ${Math.round((1 - flags.testFraction) * 100)}/${Math.round(flags.testFraction * 100)} stratified by arm with seed ${flags.seed}; the test part was never used for fitting or selection`,
      seed: flags.seed,
      testFraction: flags.testFraction,
    };
  }
  stderr(`train ${train.length} rows, test ${test.length} rows, budget ${flags.budget}`);
  const candidates = upliftCandidates({
    actions: HILLSTROM_ACTIONS,
    controlAction: 'none',
    featureNames: HILLSTROM_FEATURE_NAMES,
    target: 'visit',
    blended: { effectWeight: flags.effectWeight, bags: flags.bags },
  });
  const outcome = selectAndTest(train, test, candidates, { ...flags, log: stderr });
  if (flags.modelOut) writeFileSync(flags.modelOut, JSON.stringify(outcome.model.toJSON()));
  const description = candidates.find((c) => c.name === outcome.chosen)?.description ?? '';
  const reference = outcome.reference;
  return {
    command: 'evaluate uplift',
    split,
    rows: { train: train.length, test: test.length },
    budget: flags.budget,
    target: 'visit',
    selection: outcome.selection,
    chosen_model: { name: outcome.chosen, description, metadata: outcome.model.toJSON().metadata },
    ...outcome.test,
    per_arm_lr_on_test:
      reference === null
        ? 'the chosen model is per-arm-lr'
        : {
            note: 'reported beside the chosen model only; computed after the choice and never used for it',
            gain_vs_random_visit: reference['gain_vs_random_visit'],
            gain_vs_random_visit_bootstrap_90ci: reference['gain_vs_random_visit_bootstrap_90ci'],
            qini_visit: reference['qini_visit'],
          },
    qini_normalization: QINI_NORMALIZATION,
    seconds: Math.round((Date.now() - started) / 100) / 10,
  };
}
