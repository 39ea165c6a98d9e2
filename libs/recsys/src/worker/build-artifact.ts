import { InteractionGraph } from '../graph/interaction-graph';
import { initTensorflow } from '@offerstream/core/tensorflow';
import { GraphFilterRecommender } from '../models/graph-filter.recommender';
import { tuneGraphFilter } from '../models/graph-filter.tuning';
import { trainLightGcn } from '../models/lightgcn.trainer';
import type { ProgressFn } from '../models/scoring-model';
import type { GraphModelArtifact, TrainGraphModelOptions } from './graph-model.types';

/** Trains the requested method in the current thread and packages it for serving. */
export async function buildGraphArtifact(
  pairs: readonly (readonly [string, string])[],
  options: TrainGraphModelOptions,
  onProgress: ProgressFn,
): Promise<GraphModelArtifact> {
  await initTensorflow();
  const started = performance.now();
  const graph = InteractionGraph.fromPairs(pairs);
  const method = options.method ?? 'graph-filter';
  const version = `${method}-${new Date().toISOString()}`;
  const base = { method, version, userIds: graph.userIds, itemIds: graph.itemIds };
  if (method === 'lightgcn') {
    const res = await trainLightGcn(
      graph,
      {
        dims: options.dims,
        layers: options.layers,
        epochs: options.epochs,
        batchSize: options.batchSize,
        learningRate: options.learningRate,
        timeBudgetSeconds: options.timeBudgetSeconds,
      },
      onProgress,
    );
    return {
      ...base,
      dims: res.dims,
      userEmb: res.userEmb,
      itemEmb: res.itemEmb,
      foldInEmb: res.itemEmb,
      foldInMode: 'mean',
      normalized: null,
      metrics: { epochs: res.epochs, loss: res.loss, train_seconds: (performance.now() - started) / 1000 },
    };
  }
  const rank = Math.min(options.rank ?? 256, graph.numItems, graph.numUsers);
  const tuned = tuneGraphFilter(graph, { rank }, onProgress);
  const model = GraphFilterRecommender.fit(graph, {
    rank,
    idealWeight: tuned.idealWeight,
    sharpen: tuned.sharpen,
    onProgress,
  });
  const histories = Array.from({ length: graph.numUsers }, (_, u) => graph.itemsOf(u));
  const userEmb = model.userFactors(histories);
  const foldInEmb = model.userFactors(Array.from({ length: graph.numItems }, (_, i) => [i]));
  model.dispose();
  const norm = model.normalizedMatrix;
  return {
    ...base,
    dims: model.rank,
    userEmb,
    itemEmb: model.itemRight,
    foldInEmb,
    foldInMode: 'sum',
    normalized: { indptr: norm.indptr, indices: norm.indices, values: norm.values },
    metrics: {
      ideal_weight: tuned.idealWeight,
      sharpen: tuned.sharpen,
      validation_recall20: tuned.validationRecall,
      train_seconds: (performance.now() - started) / 1000,
    },
  };
}
