import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { actionsOf, evaluatePolicies, type PolicyEvaluation } from '../ope/policy-evaluation';
import { standardPolicies } from '../ope/standard-policies';
import { OpeInputError, readDecisionFile } from './ope-decision-lines';

export const OPE_USAGE = `usage: npm run evaluate -- ope --decisions FILE [--folds 5] [--seed 1] [--level 0.95] [--lambda 1] [--max-weight 20]
  FILE: JSON lines, one decision each: a decision record (libs/contracts decision.schema.ts) with reward (number)
  and features (number[]), optionally segment (string); or a kcat -J line whose payload is the decision event.
  Lines without reward are skipped and counted. Prints progress to stderr and one JSON object on stdout with
  IPS, SNIPS and cross-fitted doubly robust values (value, se, lower, upper) of the logging, none, all:<action>,
  random and model policies (see docs/ope.md).
`;

function log(event: Record<string, unknown>): void {
  process.stderr.write(`[ope] ${JSON.stringify(event)}\n`);
}

function numberFlag(name: string, raw: string | undefined, fallback: number, ok: (v: number) => boolean): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || !ok(v)) throw new OpeInputError(`--${name} ${raw} is out of range`);
  return v;
}

function flags(
  argv: readonly string[],
): { decisions: string; folds: number; seed: number; level: number; lambda: number; maxWeight: number } | null {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv[0] === 'ope' ? argv.slice(1) : [...argv],
      options: {
        decisions: { type: 'string' },
        folds: { type: 'string' },
        seed: { type: 'string' },
        level: { type: 'string' },
        lambda: { type: 'string' },
        'max-weight': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new OpeInputError(`${e instanceof Error ? e.message : String(e)}\n${OPE_USAGE}`);
  }
  if (values.help) return null;
  if (!values.decisions) throw new OpeInputError(`--decisions FILE is required\n${OPE_USAGE}`);
  return {
    decisions: values.decisions,
    folds: numberFlag('folds', values.folds, 5, (v) => Number.isInteger(v) && v >= 2 && v <= 50),
    seed: numberFlag('seed', values.seed, 1, (v) => Number.isInteger(v) && v >= 0),
    level: numberFlag('level', values.level, 0.95, (v) => v > 0 && v < 1),
    lambda: numberFlag('lambda', values.lambda, 1, (v) => v > 0),
    maxWeight: numberFlag('max-weight', values['max-weight'], 20, (v) => v >= 1),
  };
}

export interface OpeEvaluationResult extends PolicyEvaluation {
  readonly task: 'ope';
  readonly file: string;
  readonly lines: number;
  readonly skippedWithoutReward: number;
  readonly seed: number;
}

/**
 * `evaluate ope --decisions FILE`: off-policy value of the standard policies on logged decisions with their
 * rewards. Returns the result object, or undefined after printing the usage for --help.
 */
export async function runOpeEvaluation(argv: readonly string[]): Promise<OpeEvaluationResult | undefined> {
  const f = flags(argv);
  if (f === null) {
    process.stdout.write(OPE_USAGE);
    return undefined;
  }
  if (!existsSync(f.decisions)) throw new OpeInputError(`--decisions ${f.decisions}: no such file`);
  log({ stage: 'read', file: f.decisions });
  const file = await readDecisionFile(f.decisions, (lines) => log({ stage: 'reading', lines }));
  log({
    stage: 'loaded',
    lines: file.lines,
    decisions: file.decisions.length,
    skipped_without_reward: file.skippedWithoutReward,
  });
  if (file.decisions.length < f.folds) {
    throw new OpeInputError(
      `${f.decisions}: ${file.decisions.length} decisions with a reward, need at least --folds ${f.folds}`,
    );
  }
  const t0 = performance.now();
  const result = evaluatePolicies(file.decisions, standardPolicies(actionsOf(file.decisions)), f);
  log({ stage: 'evaluated', seconds: Math.round(performance.now() - t0) / 1000 });
  return {
    task: 'ope' as const,
    file: f.decisions,
    lines: file.lines,
    skippedWithoutReward: file.skippedWithoutReward,
    seed: f.seed,
    ...result,
  };
}
