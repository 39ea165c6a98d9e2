import { ValidationError } from '@offerstream/core';
import { alignSplits, readLightGcnFile } from '../data/lightgcn-format';
import { InteractionGraph } from '../graph/interaction-graph';
import { initTensorflow } from '@offerstream/core/tensorflow';
import { buildModel, DEFAULT_METHOD, METHODS, type MethodName } from '../models/method-registry';
import { evaluateRanking } from './ranking-evaluation';

function log(event: Record<string, unknown>): void {
  process.stderr.write(`[recsys] ${JSON.stringify(event)}\n`);
}

function parseArgs(argv: readonly string[]): { train: string; test: string; method: MethodName; options: Record<string, string> } {
  const flags: Record<string, string> = {};
  const args = argv[0] === 'recsys' ? argv.slice(1) : argv;
  for (let a = 0; a < args.length; a++) {
    const key = args[a] ?? '';
    if (!key.startsWith('--')) throw new ValidationError(`unexpected argument ${key}`, { argv });
    const value = args[a + 1];
    if (value === undefined) throw new ValidationError(`flag ${key} needs a value`, { argv });
    flags[key.slice(2)] = value;
    a++;
  }
  const { train, test, method, ...options } = flags;
  if (!train || !test) throw new ValidationError('usage: evaluate recsys --train FILE --test FILE [--method NAME]', { argv });
  const m = method ?? DEFAULT_METHOD;
  if (!(METHODS as readonly string[]).includes(m)) throw new ValidationError(`unknown method ${m}`, { known: METHODS });
  return { train, test, method: m as MethodName, options };
}

/**
 * `evaluate recsys --train FILE --test FILE [--method NAME] [--epochs N] [--time-budget S]`: trains on the
 * LightGCN-format train file, ranks all items for each test user (training items excluded) and returns
 * Recall/Precision/NDCG@20 with timings.
 */
export async function runRecsysEvaluation(argv: string[]): Promise<Record<string, unknown>> {
  const { train, test, method, options } = parseArgs(argv);
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
  const res = evaluateRanking(built.model, graph, Int32Array.from(users), users.map((u) => new Set(split.testLists[u] ?? [])), {
    k: 20,
    onProgress: log,
  });
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
