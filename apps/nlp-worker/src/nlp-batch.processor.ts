import { createHash } from 'node:crypto';
import {
  CONTRACT_VERSION,
  TOPICS,
  userKey,
  type ClickstreamEvent,
  type NlpSignalEvent,
  type ReviewEvent,
  type SearchEvent,
} from '@offerstream/contracts';
import { OfferStreamError } from '@offerstream/core';
import type { BatchContext, BatchResult, ConsumedEvent, EventProducer, OutgoingEvent } from '@offerstream/kafka';
import {
  NlpSignalStore,
  type DetailedScores,
  type ItemReviewEntry,
  type ReviewSentiment,
  type TermWeight,
  type TextScoringPool,
  type UserSignalEntry,
} from '@offerstream/nlp';
import type { NlpServiceConfig } from './nlp-worker.config';
import type { NlpMetrics } from './nlp-worker.metrics';
import { admitText, judge, type Judgement } from './text-admission';

type Source = 'review' | 'search';
type TextEvent = ConsumedEvent<ReviewEvent> | ConsumedEvent<SearchEvent>;
type Clickstream = ConsumedEvent<ClickstreamEvent>;

interface Scored {
  readonly consumed: TextEvent;
  readonly judgement: Judgement;
  readonly terms: TermWeight[] | null;
}

const isTextEvent = (c: Clickstream): c is TextEvent => c.event.type === 'review' || c.event.type === 'search';

/**
 * One consumer batch (one partition, in offset order): reviews and searches are scored on the worker pool,
 * their aggregates applied in Redis once per (partition, offset), then one signal per event is published.
 * Signals are sent after Redis and before the offset commit, so a crash in between republishes them with the
 * same event ids (derived from the source event), which the decision service deduplicates.
 */
export class NlpBatchProcessor {
  constructor(
    private readonly pool: TextScoringPool,
    private readonly store: NlpSignalStore,
    private readonly producer: EventProducer,
    private readonly config: NlpServiceConfig,
    private readonly metrics: NlpMetrics,
    private readonly modelVersion: string,
  ) {}

  async process(events: Clickstream[], ctx: BatchContext): Promise<BatchResult<ClickstreamEvent>> {
    const rejected: NonNullable<BatchResult<ClickstreamEvent>['rejected']> = [];
    const admitted: { review: ConsumedEvent<ReviewEvent>[]; search: ConsumedEvent<SearchEvent>[] } = {
      review: [],
      search: [],
    };
    for (const c of events) {
      if (!isTextEvent(c)) continue;
      const source: Source = c.event.type;
      const admission = admitText(textOf(c));
      if (!admission.ok) {
        this.metrics.texts.inc({ source, outcome: 'dead_lettered' });
        rejected.push({
          event: c,
          error: new OfferStreamError(admission.code, `${source} ${c.event.eventId}: ${admission.reason}`, {
            context: { eventId: c.event.eventId },
          }),
        });
        continue;
      }
      if (c.event.type === 'review') admitted.review.push(c as ConsumedEvent<ReviewEvent>);
      else admitted.search.push(c as ConsumedEvent<SearchEvent>);
    }
    const [reviews, searches] = await Promise.all([
      this.score('review', admitted.review, this.config.NLP_NEGATIVE_TERMS_PER_REVIEW),
      this.score('search', admitted.search, 0),
    ]);
    await ctx.heartbeat().catch(() => undefined);
    const scored = [...reviews, ...searches].sort((a, b) => compareOffsets(a.consumed.offset, b.consumed.offset));
    if (scored.length > 0) {
      await this.applyToRedis(scored, NlpSignalStore.watermarkField(ctx.topic, ctx.partition));
      await this.producer.send(
        TOPICS.nlpSignals,
        scored.map((s) => this.signalOf(s)),
      );
    }
    return { rejected };
  }

  /** Chunks of NLP_SCORE_BATCH_SIZE, at most one per pool worker in flight, so the pool queue never overflows. */
  private async score<E extends TextEvent>(source: Source, events: E[], negativeTerms: number): Promise<Scored[]> {
    const size = this.config.NLP_SCORE_BATCH_SIZE;
    const chunks: E[][] = [];
    for (let i = 0; i < events.length; i += size) chunks.push(events.slice(i, i + size));
    const results: Scored[][] = new Array<Scored[]>(chunks.length);
    let next = 0;
    const lane = async (): Promise<void> => {
      for (let i = next++; i < chunks.length; i = next++) {
        const chunk = chunks[i] ?? [];
        const stop = this.metrics.scoringSeconds.startTimer({ source });
        const detailed: DetailedScores = await this.pool.scoreDetailed(chunk.map(textOf), {
          topK: this.config.NLP_TOP_CATEGORIES,
          negativeTerms,
        });
        stop();
        results[i] = chunk.map((consumed, j) => {
          const score = detailed.scores[j];
          if (!score) throw new OfferStreamError('NLP_SCORING_FAILED', 'scoring pool returned fewer scores than texts');
          const judgement = judge(score);
          this.metrics.texts.inc({ source, outcome: judgement.countable ? 'scored' : 'flagged' });
          return { consumed, judgement, terms: detailed.terms[j] ?? null };
        });
      }
    };
    await Promise.all(Array.from({ length: Math.min(chunks.length, Math.max(1, this.pool.size)) }, lane));
    return results.flat();
  }

  private async applyToRedis(scored: Scored[], wmField: string): Promise<void> {
    const items = new Map<string, ItemReviewEntry[]>();
    const users = new Map<string, UserSignalEntry[]>();
    const push = <T>(m: Map<string, T[]>, k: string, v: T): void => {
      const list = m.get(k);
      if (list) list.push(v);
      else m.set(k, [v]);
    };
    for (const { consumed, judgement: j, terms } of scored) {
      const e = consumed.event;
      const o = consumed.offset;
      const t = Date.parse(e.occurredAt);
      if (e.type === 'review') {
        const entry: ItemReviewEntry = j.countable
          ? { o, p: j.positive, l: j.label }
          : { o, p: 0.5, l: 'neutral', f: 1 };
        if (j.countable && j.label === 'negative' && terms && terms.length > 0) {
          entry.t = terms.map((w): [string, number] => [w.term, round(w.score)]);
        }
        push(items, e.payload.itemId, entry);
        const record: ReviewSentiment = {
          itemId: e.payload.itemId,
          eventId: e.eventId,
          positive: round(j.positive),
          label: j.label,
          rating: e.payload.rating,
          language: j.language,
          flags: j.flags,
          occurredAt: e.occurredAt,
        };
        push(users, userKey(e), { o, t, r: JSON.stringify(record) });
      } else {
        const c = j.categories
          .filter((x) => x.probability >= this.config.NLP_INTENT_MIN_PROBABILITY)
          .map((x): [string, number] => [x.category, round(x.probability)]);
        // Watermark advances even without an intent, so the entry is sent either way.
        push(users, userKey(e), c.length > 0 ? { o, t, c } : { o, t });
      }
    }
    await Promise.all([
      ...[...items].map(([item, entries]) => this.store.applyItemReviews(item, wmField, entries)),
      ...[...users].map(([user, entries]) => this.store.applyUserSignals(user, wmField, entries)),
    ]);
  }

  private signalOf({ consumed, judgement: j }: Scored): OutgoingEvent<typeof TOPICS.nlpSignals.schema> {
    const e = consumed.event;
    const event: NlpSignalEvent = {
      eventId: `nlp-${createHash('sha256').update(e.eventId).digest('hex').slice(0, 40)}`,
      schemaVersion: CONTRACT_VERSION,
      occurredAt: e.occurredAt,
      producer: 'nlp-worker',
      ...(e.userId !== undefined ? { userId: e.userId } : {}),
      ...(e.anonymousId !== undefined ? { anonymousId: e.anonymousId } : {}),
      ...(e.sessionId !== undefined ? { sessionId: e.sessionId } : {}),
      correlationId: e.correlationId ?? e.eventId,
      type: 'nlp_signal',
      payload: {
        sourceEventId: e.eventId,
        sourceType: e.type,
        ...(e.type === 'review' ? { itemId: e.payload.itemId } : {}),
        language: j.language,
        sentiment: { positive: round(j.positive), label: j.label },
        categories: j.categories.map((c) => ({ category: c.category, probability: round(c.probability) })),
        flags: j.flags.slice(0, 8),
        modelVersion: this.modelVersion,
      },
    };
    return { key: userKey(e), event };
  }
}

function textOf(c: TextEvent): string {
  return c.event.type === 'review' ? c.event.payload.text : c.event.payload.query;
}

function compareOffsets(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

const round = (x: number): number => Math.round(x * 1e6) / 1e6;
