import { ValidationError } from '@offerstream/core';
import type { InteractionGraph } from '../graph/interaction-graph';
import { carveValidation } from '../eval/validation-split';
import { EmbeddingRecommender } from './embedding.recommender';
import { GraphFilterRecommender } from './graph-filter.recommender';
import { tuneGraphFilter } from './graph-filter.tuning';
import { ItemKnnRecommender } from './item-knn.recommender';
import { trainLightGcn } from './lightgcn.trainer';
import { PopularityRecommender } from './popularity.recommender';
import type { ProgressFn, ScoringModel } from './scoring-model';

export const METHODS = ['graph-filter', 'gf-cf', 'lightgcn', 'item-knn', 'popularity'] as const;
export type MethodName = (typeof METHODS)[number];
/** What the worker serves: the tuned, sharpened graph filter. */
export const DEFAULT_METHOD: MethodName = 'graph-filter';

export interface BuiltModel {
  readonly model: ScoringModel;
  readonly info: Record<string, unknown>;
  readonly dispose?: () => void;
}

function num(options: Record<string, string>, key: string, def: number): number {
  const raw = options[key];
  if (raw === undefined) return def;
  const v = Number(raw);
  if (!Number.isFinite(v)) throw new ValidationError(`--${key} must be a number`, { value: raw });
  return v;
}

export async function buildModel(
  method: MethodName,
  graph: InteractionGraph,
  options: Record<string, string>,
  onProgress: ProgressFn,
): Promise<BuiltModel> {
  const rank = num(options, 'rank', 256);
  switch (method) {
    case 'popularity':
      return { model: new PopularityRecommender(graph), info: {} };
    case 'item-knn':
      return { model: new ItemKnnRecommender(graph, { neighbours: num(options, 'neighbours', 200) }), info: {} };
    case 'gf-cf': {
      const m = GraphFilterRecommender.fit(graph, { rank, idealWeight: num(options, 'alpha', 0.3), onProgress });
      return { model: m, info: { rank: m.rank, ideal_weight: m.idealWeight }, dispose: () => m.dispose() };
    }
    case 'graph-filter': {
      const tuned = tuneGraphFilter(
        graph,
        { rank, validationUsers: num(options, 'validation-users', 1500), onProgress },
        onProgress,
      );
      onProgress({ stage: 'tuned', ...tuned, grid: undefined });
      const m = GraphFilterRecommender.fit(graph, {
        rank,
        idealWeight: tuned.idealWeight,
        sharpen: tuned.sharpen,
        onProgress,
      });
      return {
        model: m,
        info: {
          rank: m.rank,
          ideal_weight: tuned.idealWeight,
          sharpen: tuned.sharpen,
          validation_recall: tuned.validationRecall,
          validation_recall_gfcf: tuned.gfcfValidationRecall,
        },
        dispose: () => m.dispose(),
      };
    }
    case 'lightgcn': {
      // A small validation carve-out is only watched (progress), never used to pick the reported model.
      const split = carveValidation(graph, 0.2, num(options, 'validation-users', 1000), 13);
      const res = await trainLightGcn(
        split.train,
        {
          dims: num(options, 'dims', 64),
          layers: num(options, 'layers', 3),
          epochs: num(options, 'epochs', 1000),
          batchSize: num(options, 'batch-size', 8192),
          learningRate: num(options, 'lr', 0.005),
          timeBudgetSeconds: num(options, 'time-budget', 300),
        },
        onProgress,
        split,
      );
      const m = new EmbeddingRecommender('lightgcn', res.userEmb, res.itemEmb, res.dims);
      return {
        model: m,
        info: { dims: res.dims, epochs: res.epochs, final_loss: res.loss, validation_recall: res.validationRecall },
        dispose: () => m.dispose(),
      };
    }
  }
}
