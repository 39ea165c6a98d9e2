import { z } from 'zod';
import { envelopeShape, itemId } from './envelope.schema';

/** What the NLP worker learned from one review or search, for the decision service. */
export const nlpSignal = z.object({
  sourceEventId: z.string().min(1).max(128),
  sourceType: z.enum(['review', 'search']),
  itemId: itemId.optional(),
  language: z.string().max(16),
  sentiment: z.object({ positive: z.number().min(0).max(1), label: z.enum(['positive', 'negative', 'neutral']) }),
  categories: z.array(z.object({ category: z.string().max(128), probability: z.number().min(0).max(1) })).max(10),
  flags: z.array(z.string().max(32)).max(8),
  modelVersion: z.string().max(64),
});
export const nlpSignalEvent = z.object({ ...envelopeShape, type: z.literal('nlp_signal'), payload: nlpSignal });
export type NlpSignalEvent = z.infer<typeof nlpSignalEvent>;
