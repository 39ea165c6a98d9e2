import { z } from 'zod';
import { itemId as userId } from '@offerstream/contracts';
import { responseSchema, type ApiInfo, type ControllerDoc } from '@offerstream/platform';
import type { CandidateResult } from '@offerstream/recsys';
import { CandidatesController } from './candidates.controller';

export const GNN_WORKER_API_INFO: ApiInfo = {
  title: 'OfferStream gnn-worker',
  version: '1.0.0',
  description: 'Graph candidates for the decision service, and the model this instance serves (role reader).',
};

const candidates = responseSchema<CandidateResult>()(
  z.object({
    userId: z.string(),
    version: z.string().describe('The one model version every number of this answer comes from'),
    method: z.string(),
    foldedIn: z.boolean().describe('The user was not in the training data and was folded in from recent items'),
    candidates: z.array(z.object({ itemId: z.string(), score: z.number() })),
  }),
);

const model = responseSchema<ReturnType<CandidatesController['model']>>()(
  z.object({
    loaded: z
      .object({
        version: z.string(),
        method: z.string(),
        users: z.number(),
        items: z.number(),
        dims: z.number(),
        interactions: z.number(),
        publishedAt: z.string(),
        ageSeconds: z.number(),
        trainSeconds: z.number(),
      })
      .nullable()
      .describe('The version this instance holds in memory; null before the first training'),
    training: z.object({
      training: z.boolean(),
      lastTrainedAt: z.number(),
      newInteractions: z.number(),
      lastPublished: z
        .object({
          version: z.string(),
          seq: z.number(),
          publishedAt: z.number(),
          users: z.number(),
          items: z.number(),
          publishSeconds: z.number(),
        })
        .nullable(),
      lastError: z.string().nullable(),
    }),
    graph: z.object({ users: z.number(), edges: z.number(), applied: z.number() }),
  }),
);

export const GNN_WORKER_API: readonly ControllerDoc[] = [
  {
    controller: CandidatesController,
    operations: {
      candidates: {
        summary: 'Top-n items for a user from the graph model',
        params: { id: userId },
        query: {
          n: z.coerce
            .number()
            .int()
            .min(1)
            .optional()
            .describe('Default GNN_CANDIDATES_DEFAULT, at most GNN_CANDIDATES_MAX'),
        },
        response: candidates,
        errors: { 404: 'User unknown to the model and without recent items', 503: 'No model published yet' },
      },
      model: { summary: 'The model this instance serves, training state and graph size', response: model },
    },
  },
];
