import { parseArgs } from 'node:util';
import { errorMessage, ValidationError } from '@offerstream/core';
import { alignSplits, readLightGcnFile } from '../data/lightgcn-format';
import { InteractionGraph } from '../graph/interaction-graph';
import { initTensorflow } from '@offerstream/core/tensorflow';
import { buildModel, DEFAULT_METHOD, METHODS, type MethodName } from '../models/method-registry';
import { evaluateRanking } from './ranking-evaluation';

function log(event: Record<string, unknown>): void {
  process.stderr.write(`[recsys] ${JSON.stringify(event)}\n`);
}

export const RECSYS_EVALUATION_USAGE = `usage: npm run evaluate -- recsys --train FILE --test FILE [--method NAME] [options]
  --train, --test   LightGCN-format files (user item item ...)
  --method          ${METHODS.join(' | ')} (default ${DEFAULT_METHOD})
  --rank N --alpha X --neighbours N --validation-users N           graph filter and item-kNN
  --dims N --layers N --epochs N --batch-size N --lr X --time-budget S   LightGCN
  --help            this text`;

const METHOD_OPTIONS = [
  'rank',
  'alpha',
  'neighbours',
  'validation-users',
  'dims',
  'layers',
  'epochs',
  'batch-size',
  'lr',
  'time-budget',
] as const;

function parseFlags(
  argv: readonly string[],
): { train: string; test: string; method: MethodName; options: Record<string, string> } | null {
  const args = argv[0] === 'recsys' ? argv.slice(1) : [...argv];
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      options: {
        train: { type: 'string' },
        test: { type: 'string' },
        method: { type: 'string', default: DEFAULT_METHOD },
        help: { type: 'boolean', default: false },
        ...Object.fromEntries(METHOD_OPTIONS.map((o) => [o, { type: 'string' as const }])),
      },
    }));
  } catch (error) {
    throw new ValidationError(`${errorMessage(error)} (see --help)`, { usage: RECSYS_EVALUATION_USAGE });
  }
  if (values['help'] === true) return null;
  const { train, test, method } = values;
  if (typeof train !== 'string' || typeof test !== 'string') {
    throw new ValidationError('--train FILE and --test FILE are required (see --help)', {
      usage: RECSYS_EVALUATION_USAGE,
    });
  }
  if (typeof method !== 'string' || !(METHODS as readonly string[]).includes(method)) {
    throw new ValidationError(`unknown method ${String(method)}`, { known: METHODS });
  }
  const options: Record<string, string> = {};
  for (const o of METHOD_OPTIONS) if (typeof values[o] === 'string') options[o] = values[o];
  return { train, test, method: method as MethodName, options };
}

/**
 * `evaluate recsys --train FILE --test FILE [--method NAME] [--epochs N] [--time-budget S]`: trains on the
 * LightGCN-format train file, ranks all items for each test user (training items excluded) and returns
 * Recall/Precision/NDCG@20 with timings.
 */
export async function runRecsysEvaluation(argv: string[]): Promise<Record<string, unknown> | undefined> {
  const flags = parseFlags(argv);
  if (flags === null) {
    process.stdout.write(`${RECSYS_EVALUATION_USAGE}\n`);
    return undefined;
  }
  const { train, test, method, options } = flags;
  const backend = await initTensorflow();
  log({ stage: 'load', train, test, method, backend });
  const [trainLists, testLists] = await Promise.all([readLightGcnFile(train), readLightGcnFile(test)]);
  const split = alignSplits(trainLists, testLists);
  const graph = InteractionGraph.fromAdjacency(split.trainLists, split.numItems);
  log({ stage: 'loaded', users: split.numUsers, items: split.numItems, train_edges: graph.numEdges });
  const t0 = performance.now();
  const built = await buildModel(method, graph, options, log);
  const trainSeconds = (performance.now() - t0) / 1000;
  log({ stage: 'trained', method, train_seconds: trainSeconds, ...built.info });
  const users: number[] = [];
  for (let u = 0; u < split.numUsers; u++) if ((split.testLists[u]?.length ?? 0) > 0) users.push(u);
  const t1 = performance.now();
  const res = evaluateRanking(
    built.model,
    graph,
    Int32Array.from(users),
    users.map((u) => new Set(split.testLists[u] ?? [])),
    {
      k: 20,
      onProgress: log,
    },
  );
  const evalSeconds = (performance.now() - t1) / 1000;
  built.dispose?.();
  const round = (x: number): number => Math.round(x * 1e5) / 1e5;
  return {
    method,
    'recall@20': round(res.recall),
    'ndcg@20': round(res.ndcg),
    'precision@20': round(res.precision),
    train_seconds: Math.round(trainSeconds * 10) / 10,
    eval_seconds: Math.round(evalSeconds * 10) / 10,
    users: res.users,
    items: split.numItems,
    heap_mb: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
    rss_mb: Math.round(process.memoryUsage().rss / 2 ** 20),
    ...built.info,
  };
}
