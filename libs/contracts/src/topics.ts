import type { z } from 'zod';
import { CONTRACT_MAJOR } from './envelope.schema';
import { clickstreamEvent } from './clickstream.schema';
import { catalogEvent } from './catalog.schema';
import { offerEvent, offerOutcomeEvent, offerRequestEvent } from './offer.schema';
import { nlpSignalEvent } from './nlp-signal.schema';
import { decisionEvent } from './decision.schema';
import { userErasureEvent } from './privacy.schema';

const DAY_MS = 86_400_000;

/**
 * Every topic of the system in one place: name, partition key, partition count, retention, and who writes and
 * reads it. The stack script creates topics from this list and the AsyncAPI document is generated from it.
 */
export interface TopicSpec<S extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly description: string;
  readonly schema: S;
  readonly key: string;
  /**
   * `raw`: written by the shop with its own user ids, which consumers replace by keyed pseudonyms as they decode
   * (UserPseudonyms). Absent: the ids are already pseudonyms (written by OfferStream, or echoing an offer).
   */
  readonly userIds?: 'raw';
  readonly partitions: number;
  readonly retentionMs: number;
  readonly producers: readonly string[];
  readonly consumers: readonly string[];
}

const spec = <S extends z.ZodType>(s: TopicSpec<S>): TopicSpec<S> => s;

export const TOPICS = {
  clickstream: spec({
    name: `offerstream.clickstream.v${CONTRACT_MAJOR}`,
    description: 'Shop clickstream: views, searches, carts, checkouts, purchases and reviews',
    schema: clickstreamEvent,
    key: "userId, else anonymousId (all of one visitor's events in one partition, in order)",
    userIds: 'raw',
    partitions: 12,
    retentionMs: 7 * DAY_MS,
    producers: ['shop backends'],
    consumers: ['stream-processor', 'nlp-worker', 'decision-service', 'gnn-worker (replay)'],
  }),
  catalog: spec({
    name: `offerstream.catalog.v${CONTRACT_MAJOR}`,
    description: 'Catalog item upserts and deletes',
    schema: catalogEvent,
    key: 'payload.itemId',
    partitions: 6,
    retentionMs: 30 * DAY_MS,
    producers: ['catalog service'],
    consumers: ['stream-processor'],
  }),
  offers: spec({
    name: `offerstream.offers.v${CONTRACT_MAJOR}`,
    description: 'Personalized offers decided for users, with reasons and the probability of choice',
    schema: offerEvent,
    key: 'payload.userId',
    partitions: 6,
    retentionMs: 7 * DAY_MS,
    producers: ['decision-service'],
    consumers: ['shop channels (site, e-mail, push)'],
  }),
  offerOutcomes: spec({
    name: `offerstream.offer-outcomes.v${CONTRACT_MAJOR}`,
    description: 'What happened to an offer: delivered, impression, click, redeem, dismiss, expire',
    schema: offerOutcomeEvent,
    key: 'userId',
    partitions: 6,
    retentionMs: 30 * DAY_MS,
    producers: ['shop channels'],
    consumers: ['decision-service'],
  }),
  offerRequests: spec({
    name: `offerstream.offer-requests.v${CONTRACT_MAJOR}`,
    description: 'Asynchronous requests for an offer for a user at a placement',
    schema: offerRequestEvent,
    key: 'payload.userId',
    userIds: 'raw',
    partitions: 6,
    retentionMs: 1 * DAY_MS,
    producers: ['shop backends'],
    consumers: ['decision-service'],
  }),
  decisions: spec({
    name: `offerstream.decisions.v${CONTRACT_MAJOR}`,
    description:
      'Every decision (offer, no offer, holdout) with the executed action, its probability and the candidates considered, for offline policy evaluation',
    schema: decisionEvent,
    key: 'payload.userId',
    partitions: 6,
    retentionMs: 30 * DAY_MS,
    producers: ['decision-service'],
    consumers: ['offline policy evaluation', 'analytics'],
  }),
  nlpSignals: spec({
    name: `offerstream.nlp-signals.v${CONTRACT_MAJOR}`,
    description: 'Sentiment and intent extracted from reviews and searches',
    schema: nlpSignalEvent,
    key: 'userId, else anonymousId',
    partitions: 6,
    retentionMs: 7 * DAY_MS,
    producers: ['nlp-worker'],
    consumers: ['decision-service'],
  }),
  userErasures: spec({
    name: `offerstream.user-erasures.v${CONTRACT_MAJOR}`,
    description: 'Requests to forget a user: every per-user key is removed and a tombstone drops late events',
    schema: userErasureEvent,
    key: 'userId',
    userIds: 'raw',
    partitions: 3,
    // Long enough for a consumer down over a long weekend to still apply every request after it restarts.
    retentionMs: 7 * DAY_MS,
    producers: ['decision-service (DELETE /users/:id)', 'privacy tooling'],
    consumers: ['decision-service'],
  }),
} as const;

export type TopicId = keyof typeof TOPICS;
export type TopicEvent<T extends TopicId> = z.infer<(typeof TOPICS)[T]['schema']>;

/** Dead letters of a topic: same partition count, longer retention so that operators can replay them. */
export const dlqTopicName = (topic: string): string => `${topic}.dlq`;
export const DLQ_RETENTION_MS = 14 * DAY_MS;

/** Topic names with their DLQs, in creation order, for the stack script and tests. */
export function allTopicNames(prefix = ''): { name: string; partitions: number; retentionMs: number }[] {
  return Object.values(TOPICS).flatMap((t) => [
    { name: prefix + t.name, partitions: t.partitions, retentionMs: t.retentionMs },
    { name: dlqTopicName(prefix + t.name), partitions: 1, retentionMs: DLQ_RETENTION_MS },
  ]);
}
