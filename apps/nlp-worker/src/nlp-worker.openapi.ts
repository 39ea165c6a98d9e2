import { z } from 'zod';
import { itemId } from '@offerstream/contracts';
import type { ItemSentiment, UserIntent } from '@offerstream/nlp';
import { responseSchema, type ApiInfo, type ControllerDoc } from '@offerstream/platform';
import { NlpReadController } from './nlp-read.controller';

export const NLP_WORKER_API_INFO: ApiInfo = {
  title: 'OfferStream nlp-worker',
  version: '1.0.0',
  description: 'What the NLP worker read from reviews and searches: item sentiment and user intent (role reader).',
};

const sentiment = responseSchema<ItemSentiment>()(
  z.object({
    itemId: z.string(),
    count: z.number(),
    flagged: z.number(),
    positive: z.number(),
    negative: z.number(),
    neutral: z.number(),
    meanPositive: z.number(),
    smoothedPositive: z.number().describe('Mean P(positive) shrunk towards the prior stored with the counts'),
    prior: z.object({ mean: z.number(), weight: z.number() }),
    negativeTerms: z.array(z.object({ term: z.string(), score: z.number() })),
  }),
);

const intent = responseSchema<UserIntent>()(
  z.object({
    userId: z.string(),
    intents: z.array(z.object({ category: z.string(), score: z.number() })).describe('Highest first, decayed'),
    asOf: z.string(),
    intentUpdatedAt: z.string().nullable(),
    recentReviews: z.array(
      z.object({
        itemId: z.string(),
        eventId: z.string(),
        positive: z.number(),
        label: z.enum(['positive', 'negative', 'neutral']),
        rating: z.number(),
        language: z.string(),
        flags: z.array(z.string()),
        occurredAt: z.string(),
      }),
    ),
  }),
);

export const NLP_WORKER_API: readonly ControllerDoc[] = [
  {
    controller: NlpReadController,
    operations: {
      itemSentiment: {
        summary: 'Sentiment of an item’s reviews and its most negative terms',
        params: { id: itemId },
        response: sentiment,
        errors: { 404: 'No reviews scored for this item' },
      },
      userIntent: {
        summary: 'A user’s category intent from searches and reviews, and their recent review sentiments',
        params: { id: itemId },
        response: intent,
        errors: { 404: 'No searches or reviews scored for this user' },
      },
    },
  },
];
