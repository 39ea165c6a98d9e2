/**
 * `npm run evaluate -- <task> [flags]`: offline evaluation of each model family on files given by path.
 * Progress goes to stderr; the last stdout line is one JSON object with the figures.
 *   sentiment|category --train FILE [--test FILE]     text models (NLP worker)
 *   recsys --train FILE --test FILE [--method NAME]   graph recommenders (GNN worker)
 *   uplift --train FILE --test FILE [--budget F]      uplift policy (decision service)
 */
import { runTextEvaluation } from '@offerstream/nlp';
import { runRecsysEvaluation } from '@offerstream/recsys';
import { runUpliftEvaluation } from '@offerstream/uplift';

const TASKS: Record<string, (argv: string[]) => Promise<Record<string, unknown>>> = {
  sentiment: (argv) => runTextEvaluation(['sentiment', ...argv]),
  category: (argv) => runTextEvaluation(['category', ...argv]),
  recsys: (argv) => runRecsysEvaluation(argv),
  uplift: (argv) => runUpliftEvaluation(argv),
};

async function main(): Promise<void> {
  const [task, ...rest] = process.argv.slice(2);
  const run = task === undefined ? undefined : TASKS[task];
  if (!run) {
    process.stderr.write(`usage: npm run evaluate -- <${Object.keys(TASKS).join('|')}> [flags]\n`);
    process.exit(2);
  }
  const result = await run(rest);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`evaluate: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
