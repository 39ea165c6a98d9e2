import { parseCommandFlags, positiveIntFlag, ValidationError } from '@offerstream/core';
import { initTensorflow } from '@offerstream/core/tensorflow';
import { defaultFeatureStoreConfig } from '@offerstream/feature-store';
import { alignSplits, readLightGcnFile } from '../data/lightgcn-format';
import { InteractionGraph } from '../graph/interaction-graph';
import { BlendRecommender } from '../models/blend.recommender';
import { ItemKnnRecommender } from '../models/item-knn.recommender';
import type { ScoringModel } from '../models/scoring-model';
import { UserKnnRecommender } from '../models/user-knn.recommender';
import { VectorUserKnnRecommender, svdItemVectors } from '../models/vector-user-knn.recommender';
import { bootstrapMeans, difference, type Interval } from './bootstrap-interval';
import { meanOf, perUserMetrics, type PerUserMetrics } from './per-user-evaluation';
import { carveValidation } from './validation-split';

export const USER_KNN_USAGE = `usage: npm run evaluate -- user-knn --train FILE --test FILE [options]
  user-kNN against item-kNN and their blend; the neighbour count and the blend weight are chosen by
  cross-validation inside the train file (held-out validation splits of train users), never on the test file.
  Also the served form: users as means of 64-d item vectors (SVD of train), nearest users exactly and through the
  feature store's default LSH index (FS_USER_INDEX_* and FS_USER_NEIGHBOURS defaults).
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
/** Width of the user vectors, as FS_VECTOR_DIMS. */
const VECTOR_DIMS = 64;

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

/** Share of the exact nearest users that the index finds, over (up to) the first 2,000 test users. */
function neighbourRecall(exact: VectorUserKnnRecommender, lsh: VectorUserKnnRecommender, users: Int32Array): number {
  let found = 0;
  let total = 0;
  for (const u of users.subarray(0, 2000)) {
    const truth = exact.nearest(u).users;
    const got = new Set(lsh.nearest(u).users);
    total += truth.length;
    for (const v of truth) if (got.has(v)) found++;
  }
  return total > 0 ? found / total : 0;
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
  // The served path: users as means of item vectors (SVD here, content vectors in the shop), the feature store's
  // default index and neighbour count, exact and through the index, so the index's own loss shows.
  await initTensorflow();
  const served = defaultFeatureStoreConfig().userIndex;
  const itemVectors = svdItemVectors(graph, VECTOR_DIMS, seed);
  const exactVectors = new VectorUserKnnRecommender(graph, itemVectors, VECTOR_DIMS, { neighbours: served.neighbours });
  const lshVectors = new VectorUserKnnRecommender(graph, itemVectors, VECTOR_DIMS, {
    neighbours: served.neighbours,
    lsh: served,
  });
  const models: [string, ScoringModel][] = [
    ['item-knn', item],
    ['user-knn', new UserKnnRecommender(graph, { neighbours: userOnly.neighbours })],
    [
      'blend',
      new BlendRecommender(new UserKnnRecommender(graph, { neighbours: blend.neighbours }), item, blend.weight),
    ],
    ['user-knn-vector', exactVectors],
    ['user-knn-vector-lsh', lshVectors],
  ];
  const results = models.map(([name, m]) => {
    const t0 = performance.now();
    const r = perUserMetrics(m, graph, testUsers, relevant, K);
    log({ stage: 'test', model: name, seconds: Math.round((performance.now() - t0) / 100) / 10 });
    return r;
  });
  const itemR = results[0] as PerUserMetrics;
  const series = [
    ...results.flatMap((r) => [r.recall, r.ndcg]),
    ...results.slice(1).flatMap((r) => [difference(r.recall, itemR.recall), difference(r.ndcg, itemR.ndcg)]),
  ];
  const iv = bootstrapMeans(series, resamples, seed).map(show);
  const figures: Record<string, unknown> = {};
  models.forEach(([name], m) => {
    figures[name] = { 'recall@20': iv[2 * m], 'ndcg@20': iv[2 * m + 1] };
    if (m > 0) {
      const d = 2 * models.length + 2 * (m - 1);
      figures[`${name} minus item-knn`] = { 'recall@20': iv[d], 'ndcg@20': iv[d + 1] };
    }
  });
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
    served_index: {
      ...served,
      dims: VECTOR_DIMS,
      neighbour_recall: r5(neighbourRecall(exactVectors, lshVectors, testUsers)),
    },
    ...figures,
    bootstrap: resamples,
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}
