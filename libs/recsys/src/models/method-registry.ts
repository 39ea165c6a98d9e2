import { ValidationError } from '@offerstream/core';
import type { InteractionGraph } from '../graph/interaction-graph';
import { GraphFilterRecommender } from './graph-filter.recommender';
import { tuneGraphFilter } from './graph-filter.tuning';
import { ItemKnnRecommender } from './item-knn.recommender';
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
      const tuned = tuneGraphFilter(graph, { rank, validationUsers: num(options, 'validation-users', 3000), onProgress }, onProgress);
      onProgress({ stage: 'tuned', ...tuned, grid: undefined });
      const m = GraphFilterRecommender.fit(graph, { rank, idealWeight: tuned.idealWeight, sharpen: tuned.sharpen, onProgress });
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
    case 'lightgcn':
      throw new ValidationError('lightgcn not wired yet', {});
  }
}
