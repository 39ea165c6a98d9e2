/**
 * `npm run evaluate -- <task> [flags]`: offline evaluation of each model family on files given by path.
 * Progress goes to stderr; the last stdout line is one JSON object with the figures.
 *   sentiment|category --train FILE [--test FILE]     text models (NLP worker)
 *   recsys --train FILE --test FILE [--method NAME]   graph recommenders (GNN worker)
 *   user-knn --train FILE --test FILE                 user-kNN vs item-kNN and their blend (CV-chosen)
 *   category-intent --data FILE                        search/review text -> shop category (nearest centroid)
 *   uplift --train FILE --test FILE [--budget F]      uplift policy (decision service)
 *   ope --decisions FILE [--folds 5] [--seed 1]       off-policy value of policies on logged decisions
 *   sim-policy --log FILE [--train-rounds 3]          the conversion model's policy replayed on a simulator log
 *   sim-loop --log FILE [--runs 10]                   the live policy's learning loop, closed on the log's truth
 *   sim-ceiling --log FILE [--config MARKET.json]     what knowing each kind's behaviour would reach (naive Bayes)
 *   sim-market --seed N [--name NAME]                 a market for npm run simulate, drawn from the issue's kinds
 *   report-coverage --log FILE --seed N               the campaign report interval's coverage on a simulated run
 *   segments --views FILE [--k 8] [--retrains 6]      stability of the learned clusters' ids across retrains
 */
import { runTextEvaluation } from '@offerstream/nlp/offline';
import { runRecsysEvaluation, runUserKnnComparison } from '@offerstream/recsys/offline';
import {
  runClosedLoopCommand,
  runDrawMarketCommand,
  runKindCeiling,
  runPolicyReplay,
  runReportCoverageCommand,
} from '@offerstream/simulator';
import { runOpeEvaluation, runUpliftEvaluation } from '@offerstream/uplift/offline';
import { runCategoryIntentEvaluation } from './category-intent-evaluation';
import { runSegmentStability } from './segment-stability';

// A task resolves to undefined when it printed something else instead (its --help).
const TASKS: Record<string, (argv: string[]) => Promise<object | undefined>> = {
  sentiment: (argv) => runTextEvaluation(['sentiment', ...argv]),
  category: (argv) => runTextEvaluation(['category', ...argv]),
  recsys: (argv) => runRecsysEvaluation(argv),
  'user-knn': (argv) => runUserKnnComparison(argv),
  'category-intent': (argv) => runCategoryIntentEvaluation(argv),
  uplift: (argv) => runUpliftEvaluation(argv),
  ope: (argv) => runOpeEvaluation(argv),
  'sim-policy': (argv) => runPolicyReplay(argv),
  'sim-loop': (argv) => runClosedLoopCommand(argv),
  'sim-ceiling': (argv) => runKindCeiling(argv),
  'sim-market': (argv) => runDrawMarketCommand(argv),
  'report-coverage': (argv) => runReportCoverageCommand(argv),
  segments: (argv) => runSegmentStability(argv),
};

const usage = (): string =>
  `usage: npm run evaluate -- <${Object.keys(TASKS).join('|')}> [flags]   (npm run evaluate -- <task> --help: its flags)`;

async function main(): Promise<void> {
  const [task, ...rest] = process.argv.slice(2);
  if (task === '--help' || task === '-h') {
    process.stdout.write(`${usage()}\n`);
    return;
  }
  const run = task === undefined ? undefined : TASKS[task];
  if (!run) {
    process.stderr.write(`${usage()}\n`);
    process.exit(2);
  }
  const result = await run(rest);
  if (result !== undefined) process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`evaluate: ${e instanceof Error ? e.message : String(e)}\n`);
  // Errors that mean "fix your input" carry their own exit code (2) so scripts can tell them from crashes.
  const code =
    typeof e === 'object' && e !== null && 'exitCode' in e && typeof e.exitCode === 'number' ? e.exitCode : 1;
  process.exit(code);
});
