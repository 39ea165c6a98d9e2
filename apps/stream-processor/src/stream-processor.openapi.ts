import { z } from 'zod';
import { consentPurpose } from '@offerstream/contracts';
import type { Neighbour, UserProfile } from '@offerstream/feature-store';
import { responseSchema, type ApiInfo, type ControllerDoc } from '@offerstream/platform';
import { FeaturesController } from './features.controller';

export const STREAM_PROCESSOR_API_INFO: ApiInfo = {
  title: 'OfferStream stream-processor',
  version: '1.0.0',
  description: 'Read API of the feature store: live user profiles and item neighbours (role reader).',
};

/** The profile as JSON: the vector as an array, the seen and purchased sets as arrays. */
type ProfileBody = Omit<UserProfile, 'vector' | 'purchased' | 'seen'> & {
  vector: number[] | null;
  purchased: string[];
  seen: string[];
};

const weights = z.record(z.string(), z.number());
const profile = responseSchema<ProfileBody>()(
  z.object({
    userId: z.string(),
    resolvedFrom: z.string().optional().describe('The anonymous id asked for, when it was merged into this user'),
    anonymous: z.boolean(),
    updatedAt: z.number().describe('Epoch milliseconds'),
    firstSeenAt: z.number(),
    eventCount: z.number(),
    categories: weights.describe('Decayed interest per category; negative means disliked'),
    brands: weights,
    priceBands: weights.describe('Keyed by band label like "25-50"'),
    priceItems: z
      .array(z.number())
      .describe('Items viewed or bought per price band (one each, decayed), cheapest band first'),
    vector: z.array(z.number()).nullable().describe('Decayed mean content vector (FS_VECTOR_DIMS long)'),
    recentItems: z.array(z.string()),
    session: z.object({
      id: z.string(),
      items: z.array(z.string()),
      cart: z.array(z.object({ itemId: z.string(), quantity: z.number() })),
      lastActivityAt: z.number(),
    }),
    rfm: z.object({ recencyDays: z.number().nullable(), frequency: z.number(), monetary: z.number() }),
    purchased: z.array(z.string()),
    seen: z.array(z.string()),
    segment: z
      .string()
      .nullable()
      .describe('Stable id of the learned cluster (c3), null before the first segmentation'),
    segments: z.array(z.string()).describe('Every segment the user is in now: the cluster and the rule segments met'),
    consent: z
      .partialRecord(consentPurpose, z.object({ granted: z.boolean(), at: z.number(), source: z.string() }))
      .describe('Latest consent choice per purpose (epoch ms and where it was made); never stated: absent'),
  }),
);

const neighbour = responseSchema<Neighbour>()(z.object({ itemId: z.string(), score: z.number() }));
const neighbours = responseSchema<{ itemId: string; neighbours: Neighbour[]; contentNeighbours: Neighbour[] }>()(
  z.object({
    itemId: z.string(),
    neighbours: z.array(neighbour).describe('Behavioural: cosine over decayed co-occurrence, best first'),
    contentNeighbours: z.array(neighbour).describe('Cosine of TF-IDF content vectors, best first'),
  }),
);

const id = z.string().regex(/^[^\s]{1,128}$/);

export const STREAM_PROCESSOR_API: readonly ControllerDoc[] = [
  {
    controller: FeaturesController,
    operations: {
      profile: {
        summary: 'A user’s live profile (an anonymous id merged into a user resolves to that user)',
        params: { id },
        response: profile,
        errors: { 404: 'No profile for this user' },
      },
      neighbours: {
        summary: 'An item’s nearest items, behavioural and by content',
        params: { id },
        query: { k: z.coerce.number().int().min(1).max(500).default(10).optional() },
        response: neighbours,
        errors: { 404: 'Unknown item' },
      },
    },
  },
];
