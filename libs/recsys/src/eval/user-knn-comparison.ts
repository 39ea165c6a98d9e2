import { parseCommandFlags, positiveIntFlag, ValidationError } from '@offerstream/core';
import { alignSplits, readLightGcnFile } from '../data/lightgcn-format';
import { InteractionGraph } from '../graph/interaction-graph';
import { BlendRecommender } from '../models/blend.recommender';
import { ItemKnnRecommender } from '../models/item-knn.recommender';
import type { ScoringModel } from '../models/scoring-model';
import { UserKnnRecommender } from '../models/user-knn.recommender';
import { bootstrapMeans, difference, type Interval } from './bootstrap-interval';
import { meanOf, perUserMetrics } from './per-user-evaluation';
import { carveValidation } from './validation-split';

export const USER_KNN_USAGE = `usage: npm run evaluate -- user-knn --train FILE --test FILE [options]
  user-kNN against item-kNN and their blend; the neighbour count and the blend weight are chosen by
  cross-validation inside the train file (held-out validation splits of train users), never on the test file.
  --folds N              validation splits carved from train (default 3)
  --validation-users N   users per validation split (default 3000)
  --bootstrap N          resamples of test users for the 95% intervals (default 1000)
  --seed N               seed of the splits and the bootstrap (default 7)
  --help                 this text`;

/** Neighbour counts tried for user-kNN and blend weights of user-kNN (item-kNN gets the rest). */
export const USER_NEIGHBOURS_GRID = [25, 50, 100, 200, 400] as const;
export const BLEND_WEIGHT_GRID = [0, 0.25, 0.5, 0.75, 1] as const;
/** Item-kNN exactly as benchmarked and as the stream processor keeps it (200 neighbours), not re-tuned here. */
const ITEM_NEIGHBOURS = 200;
const K = 20;

function log(event: Record<string, unknown>): void {
  process.stderr.write(`[user-knn] ${JSON.stringify(event)}\n`);
}

export interface CvCell {
  readonly neighbours: number;
  readonly weight: number;
  /** Mean validation Recall@20 over folds. */
  readonly recall: number;
}

/**
 * Validation Recall@20 of every (neighbours, blend weight) cell, averaged over folds carved out of `graph`. Weight 1
 * is user-kNN alone, 0 is item-kNN alone.
 */
export function crossValidate(
  graph: InteractionGraph,
  folds: number,
  validationUsers: number,
  seed: number,
  grid: { neighbours: readonly number[]; weights: readonly number[] } = {
    neighbours: USER_NEIGHBOURS_GRID,
    weights: BLEND_WEIGHT_GRID,
  },
): CvCell[] {
  const sums = new Map<string, CvCell>();
  for (let f = 0; f < folds; f++) {
    const split = carveValidation(graph, 0.2, validationUsers, seed + 1000 * (f + 1));
    const item = new ItemKnnRecommender(split.train, { neighbours: ITEM_NEIGHBOURS });
    for (const neighbours of grid.neighbours) {
      const user = new UserKnnRecommender(split.train, { neighbours });
      for (const weight of grid.weights) {
        const m = perUserMetrics(new BlendRecommender(user, item, weight), split.train, split.users, split.heldOut, K);
        const key = `${neighbours}|${weight}`;
        const prev = sums.get(key)?.recall ?? 0;
        sums.set(key, { neighbours, weight, recall: prev + meanOf(m.recall) / folds });
      }
      log({ stage: 'cv', fold: f, neighbours });
    }
  }
  return [...sums.values()];
}

/** Best cell by mean validation recall among those `filter` admits; ties go to fewer neighbours, then lower weight. */
export function bestCell(cells: readonly CvCell[], filter: (c: CvCell) => boolean): CvCell {
  const ok = cells.filter(filter);
  const best = ok.reduce<CvCell | undefined>(
    (b, c) =>
      !b ||
      c.recall > b.recall ||
      (c.recall === b.recall && (c.neighbours < b.neighbours || (c.neighbours === b.neighbours && c.weight < b.weight)))
        ? c
        : b,
    undefined,
  );
  if (!best) throw new ValidationError('no cross-validation cell to choose from');
  return best;
}

const r5 = (x: number): number => Math.round(x * 1e5) / 1e5;
const show = (i: Interval): { mean: number; ci95: [number, number] } => ({
  mean: r5(i.mean),
  ci95: [r5(i.lo), r5(i.hi)],
});

/** `evaluate user-knn --train FILE --test FILE`: the comparison above, as one JSON object. */
export async function runUserKnnComparison(argv: string[]): Promise<Record<string, unknown> | undefined> {
  const args = argv[0] === 'user-knn' ? argv.slice(1) : argv;
  const v = parseCommandFlags(
    args,
    {
      train: { type: 'string' },
      test: { type: 'string' },
      folds: { type: 'string' },
      'validation-users': { type: 'string' },
      bootstrap: { type: 'string' },
      seed: { type: 'string' },
    },
    USER_KNN_USAGE,
  );
  if (v === null) return undefined;
  if (v.train === undefined || v.test === undefined) {
    throw new ValidationError('--train FILE and --test FILE are required (see --help)', { usage: USER_KNN_USAGE });
  }
  const folds = positiveIntFlag(v.folds, 'folds') ?? 3;
  const validationUsers = positiveIntFlag(v['validation-users'], 'validation-users') ?? 3000;
  const resamples = positiveIntFlag(v.bootstrap, 'bootstrap') ?? 1000;
  const seed = positiveIntFlag(v.seed, 'seed') ?? 7;
  const started = performance.now();
  const [trainLists, testLists] = await Promise.all([readLightGcnFile(v.train), readLightGcnFile(v.test)]);
  const split = alignSplits(trainLists, testLists);
  const graph = InteractionGraph.fromAdjacency(split.trainLists, split.numItems);
  log({ stage: 'loaded', users: split.numUsers, items: split.numItems, train_edges: graph.numEdges });

  // Selection sees only the train file.
  const cells = crossValidate(graph, folds, validationUsers, seed);
  const userOnly = bestCell(cells, (c) => c.weight === 1);
  const blend = bestCell(cells, (c) => c.weight > 0 && c.weight < 1);
  const itemCv = bestCell(cells, (c) => c.weight === 0);
  log({ stage: 'chosen', user_knn: userOnly, blend, item_knn: itemCv });

  const users: number[] = [];
  for (let u = 0; u < split.numUsers; u++) if ((split.testLists[u]?.length ?? 0) > 0) users.push(u);
  const testUsers = Int32Array.from(users);
  const relevant = users.map((u) => new Set(split.testLists[u] ?? []));
  const item = new ItemKnnRecommender(graph, { neighbours: ITEM_NEIGHBOURS });
  const models: [string, ScoringModel][] = [
    ['item-knn', item],
    ['user-knn', new UserKnnRecommender(graph, { neighbours: userOnly.neighbours })],
    [
      'blend',
      new BlendRecommender(new UserKnnRecommender(graph, { neighbours: blend.neighbours }), item, blend.weight),
    ],
  ];
  const results = models.map(([name, m]) => {
    const t0 = performance.now();
    const r = perUserMetrics(m, graph, testUsers, relevant, K);
    log({ stage: 'test', model: name, seconds: Math.round((performance.now() - t0) / 100) / 10 });
    return r;
  });
  const [itemR, userR, blendR] = results as [(typeof results)[0], (typeof results)[0], (typeof results)[0]];
  const iv = bootstrapMeans(
    [
      ...results.flatMap((r) => [r.recall, r.ndcg]),
      difference(userR.recall, itemR.recall),
      difference(userR.ndcg, itemR.ndcg),
      difference(blendR.recall, itemR.recall),
      difference(blendR.ndcg, itemR.ndcg),
    ],
    resamples,
    seed,
  ).map(show);
  const at = (i: number): ReturnType<typeof show> => iv[i] as ReturnType<typeof show>;
  return {
    task: 'user-knn',
    users: users.length,
    items: split.numItems,
    chosen_by_cv: {
      folds,
      validation_users: validationUsers,
      user_knn: { neighbours: userOnly.neighbours, validation_recall: r5(userOnly.recall) },
      blend: { neighbours: blend.neighbours, user_weight: blend.weight, validation_recall: r5(blend.recall) },
      item_knn: { neighbours: ITEM_NEIGHBOURS, validation_recall: r5(itemCv.recall) },
      grid: cells.map((c) => ({ ...c, recall: r5(c.recall) })),
    },
    'item-knn': { 'recall@20': at(0), 'ndcg@20': at(1) },
    'user-knn': { 'recall@20': at(2), 'ndcg@20': at(3) },
    blend: { 'recall@20': at(4), 'ndcg@20': at(5) },
    'user-knn minus item-knn': { 'recall@20': at(6), 'ndcg@20': at(7) },
    'blend minus item-knn': { 'recall@20': at(8), 'ndcg@20': at(9) },
    bootstrap: resamples,
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}
