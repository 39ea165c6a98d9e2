import { randomUUID } from 'node:crypto';
import { dlqTopicName, TOPICS, type ClickstreamEvent, type NlpSignalEvent } from '@offerstream/contracts';
import { RedisKeys } from '@offerstream/redis';
import {
  KAFKA_BROKERS,
  kcatConsumeAll,
  kcatProduce,
  serviceHarness,
  type ServiceProcess,
  waitFor,
} from '@offerstream/testing';

const NEGATIVE_EN =
  'Terrible phone. It broke after two days, the battery is awful and support refused a refund. Total waste of money, very disappointed.';
const POSITIVE_EN =
  'Excellent phone, great screen and the battery lasts all day. Works perfectly, highly recommend it.';
const NEGATIVE_ZH = '质量太差了，用了两天就坏了，客服也不理人，非常失望，后悔买了';
const POSITIVE_ZH = '手机很好用，屏幕清晰，运行速度快，物流也很快，非常满意';
const TEXTS = [NEGATIVE_EN, POSITIVE_EN, NEGATIVE_ZH, POSITIVE_ZH];

process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';

let clock = Date.UTC(2026, 0, 10);
function base(
  userId: string,
): Pick<ClickstreamEvent, 'eventId' | 'schemaVersion' | 'occurredAt' | 'producer' | 'userId'> {
  clock += 1000;
  return {
    eventId: randomUUID(),
    schemaVersion: '1.0',
    occurredAt: new Date(clock).toISOString(),
    producer: 'test',
    userId,
  };
}
const review = (userId: string, itemId: string, text: string, rating = 3): ClickstreamEvent => ({
  ...base(userId),
  type: 'review',
  payload: { itemId, rating, text },
});
const search = (userId: string, query: string): ClickstreamEvent => ({
  ...base(userId),
  type: 'search',
  payload: { query },
});
const record = (e: ClickstreamEvent): { key: string; value: string } => ({
  key: e.userId ?? 'anon',
  value: JSON.stringify(e),
});

describe('nlp-worker against real Kafka and Redis', () => {
  const h = serviceHarness('nlp-worker');
  let service: ServiceProcess | undefined;

  const topic = (): string => h.ctx.topicPrefix + TOPICS.clickstream.name;
  const signals = async (): Promise<NlpSignalEvent[]> =>
    (await kcatConsumeAll(KAFKA_BROKERS, h.ctx.topicPrefix + TOPICS.nlpSignals.name)).map(
      (r) => JSON.parse(r.payload ?? '') as NlpSignalEvent,
    );
  const http = (path: string): Promise<Response> => h.fetch(path);
  const start = (extra: NodeJS.ProcessEnv = {}): Promise<ServiceProcess> => h.start(extra);
  const itemCount = async (itemId: string): Promise<number> =>
    Number((await h.ctx.redis.hget(RedisKeys.item.sentiment(itemId), 'count')) ?? 0);

  it('writes item sentiment, negative terms, user intent and review history, and publishes signals', async () => {
    const events = [
      review('u-1', 'item-bad', NEGATIVE_EN, 1),
      review('u-2', 'item-bad', NEGATIVE_ZH, 1),
      review('u-3', 'item-good', POSITIVE_EN, 5),
      review('u-3', 'item-good', POSITIVE_ZH, 5),
      search('u-4', '酒店 房间 早餐'),
      search('u-4', '洗发水 去屑'),
      { ...base('u-4'), type: 'page_view', payload: { url: '/home' } } satisfies ClickstreamEvent,
    ];
    await kcatProduce(KAFKA_BROKERS, topic(), events.map(record));
    service = await start();

    const published = await waitFor(
      async () => {
        const s = await signals();
        return s.length >= 6 ? s : undefined;
      },
      { what: 'six signals' },
    );
    expect(published).toHaveLength(6); // the page view is skipped
    const bySource = new Map(published.map((s) => [s.payload.sourceEventId, s]));
    const negative = bySource.get(events[0]!.eventId)!;
    expect(negative.payload).toMatchObject({ sourceType: 'review', itemId: 'item-bad', language: 'en', flags: [] });
    expect(negative.payload.sentiment.label).toBe('negative');
    expect(negative.payload.sentiment.positive).toBeLessThan(0.3);
    expect(negative.userId).toBe('u-1');
    expect(negative.payload.modelVersion).toMatch(/^sentiment@\d+\.\d+\.\d+\+category@/);
    expect(bySource.get(events[1]!.eventId)!.payload.sentiment.label).toBe('negative');
    expect(bySource.get(events[2]!.eventId)!.payload.sentiment.label).toBe('positive');
    expect(bySource.get(events[3]!.eventId)!.payload.sentiment.label).toBe('positive');
    expect(bySource.get(events[4]!.eventId)!.payload.categories[0]?.category).toBe('酒店');
    expect(bySource.get(events[5]!.eventId)!.payload.categories[0]?.category).toBe('洗发水');

    const bad = (await (await http('/items/item-bad/sentiment')).json()) as Record<string, unknown>;
    expect(bad).toMatchObject({ itemId: 'item-bad', count: 2, negative: 2 });
    expect(bad['smoothedPositive']).toBeLessThan(0.5);
    expect(bad['smoothedPositive']).toBeGreaterThan(bad['meanPositive'] as number); // shrunk towards the 0.5 prior
    const terms = (bad['negativeTerms'] as { term: string }[]).map((t) => t.term).join(' ');
    expect(terms).toMatch(/terrible|awful|waste|disappointed|refund|broke|差|失望|坏|后悔/);
    const good = (await (await http('/items/item-good/sentiment')).json()) as Record<string, unknown>;
    expect(good).toMatchObject({ count: 2, positive: 2, negativeTerms: [] });
    expect(good['smoothedPositive']).toBeGreaterThan(0.5);

    const intent = (await (await http('/users/u-4/intent')).json()) as {
      intents: { category: string; score: number }[];
    };
    // The later search weighs a little more: the earlier one has decayed by one second of its 24 h half-life.
    expect(intent.intents.map((i) => i.category)).toEqual(['洗发水', '酒店']);
    expect(intent.intents[1]!.score).toBeLessThan(intent.intents[0]!.score);
    const u3 = (await (await http('/users/u-3/intent')).json()) as { recentReviews: { eventId: string }[] };
    expect(u3.recentReviews.map((r) => r.eventId)).toEqual([events[3]!.eventId, events[2]!.eventId]);

    expect((await http('/items/nope/sentiment')).status).toBe(404);
    const tooLong = await http(`/users/${'x'.repeat(200)}/intent`);
    expect(tooLong.status).toBe(400);
    expect(((await tooLong.json()) as { message: string }).message).toMatch(/1-128/);
    const metrics = await (await http('/metrics')).text();
    expect(metrics).toMatch(/offerstream_nlp_backend_info\{backend="(wasm|tensorflow)"[^}]*\} 1/);
    expect(metrics).toMatch(/offerstream_nlp_texts_total\{source="review",outcome="scored"[^}]*\} 4/);
    expect(metrics).toMatch(/offerstream_nlp_scoring_seconds_count/);
  });

  it('does not double count after SIGKILL mid-stream nor when a new group replays the whole topic', async () => {
    const items = 50;
    const total = 3000;
    const events = Array.from({ length: total }, (_, i) =>
      review(`u-${i % 97}`, `item-${i % items}`, `${TEXTS[i % TEXTS.length]!} #${i}`, 1 + (i % 5)),
    );
    const producer = h.ctx.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let i = 0; i < total; i += 1000) {
      await producer.send({
        topic: topic(),
        messages: events.slice(i, i + 1000).map((e) => ({ key: e.userId ?? null, value: JSON.stringify(e) })),
      });
    }
    await producer.disconnect();
    const counted = async (): Promise<number> => {
      let sum = 0;
      for (let i = 0; i < items; i++) sum += await itemCount(`item-${i}`);
      return sum;
    };

    // Small batches so the kill lands between committed batches with Redis already ahead of the commit.
    const small = { NLP_SCORE_BATCH_SIZE: '16', PARTITIONS_CONCURRENTLY: '1' };
    service = await start(small);
    await waitFor(async () => ((await counted()) > 0 ? true : undefined), { intervalMs: 20, what: 'progress' });
    await service.stop('SIGKILL');
    const atKill = await counted();
    service = await start(small);
    await waitFor(async () => ((await counted()) >= total ? true : undefined), {
      timeoutMs: 90_000,
      what: 'all reviews counted',
    });
    await service.stop('SIGTERM');
    expect(atKill).toBeLessThan(total);
    expect(await counted()).toBe(total);
    for (let i = 0; i < items; i++) expect(await itemCount(`item-${i}`)).toBe(total / items);

    // A fresh consumer group starts from offset 0: every event is replayed against the same Redis state.
    const sent = (await signals()).length;
    service = await start({ CONSUMER_GROUP: `${String(h.ctx.env['CONSUMER_GROUP'])}-replay` });
    await waitFor(async () => ((await signals()).length >= sent + total ? true : undefined), {
      timeoutMs: 90_000,
      what: 'replay',
    });
    expect(await counted()).toBe(total);
    const history = await h.ctx.redis.lrange(RedisKeys.user.reviewSentiment('u-1'), 0, -1);
    const ids = history.map((h) => (JSON.parse(h) as { eventId: string }).eventId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(20); // bounded by NLP_USER_REVIEWS_MAX
  });

  it('gives empty, huge and foreign-language reviews defined results and dead-letters binary and oversize ones', async () => {
    // Its own consumer group: the group of the SIGKILL test above has partition marks this test is not about (after
    // that test one run refused a partition as ahead of the log; docs/reliability.md, open questions).
    service = await start({ CONSUMER_GROUP: `${String(h.ctx.env['CONSUMER_GROUP'])}-edge` });
    const cases = {
      empty: review('u-e', 'item-edge', '   '),
      huge: review('u-e', 'item-edge', `${NEGATIVE_EN} `.repeat(140)), // ~19k chars: truncated, still scored
      russian: review('u-e', 'item-edge', 'Этот телефон просто ужасный, батарея не держит'),
      binary: review(
        'u-e',
        'item-edge',
        Buffer.from(Array.from({ length: 400 }, (_, i) => (i * 37) % 256)).toString('latin1'),
      ),
      oversize: review('u-e', 'item-edge', 'a'.repeat(25_000)),
      good: review('u-e', 'item-edge', NEGATIVE_ZH),
    };
    await kcatProduce(KAFKA_BROKERS, topic(), Object.values(cases).map(record));
    const published = await waitFor(
      async () => {
        const s = await signals();
        return s.length >= 4 ? s : undefined;
      },
      { what: 'four signals' },
    );
    const of = (e: ClickstreamEvent) => published.find((s) => s.payload.sourceEventId === e.eventId)?.payload;
    expect(of(cases.empty)).toMatchObject({ flags: ['empty'], sentiment: { positive: 0.5, label: 'neutral' } });
    expect(of(cases.huge)?.flags).toEqual(['truncated']);
    expect(of(cases.huge)?.sentiment.label).toBe('negative');
    expect(of(cases.russian)).toMatchObject({
      language: 'other',
      flags: ['unsupported_language'],
      sentiment: { label: 'neutral' },
    });
    expect(of(cases.good)?.sentiment.label).toBe('negative');
    expect(of(cases.binary)).toBeUndefined();

    const dead = await waitFor(
      async () => {
        const r = await kcatConsumeAll(KAFKA_BROKERS, dlqTopicName(topic()));
        return r.length >= 2 ? r : undefined;
      },
      { what: 'two dead letters' },
    );
    const reasonOf = (e: ClickstreamEvent): string => {
      const d = dead.find((r) => r.payload === JSON.stringify(e));
      const h = d?.headers ?? [];
      return `${h[h.indexOf('x-dlq-error-code') + 1] ?? ''}: ${h[h.indexOf('x-dlq-reason') + 1] ?? ''}`;
    };
    expect(reasonOf(cases.binary)).toMatch(/^BINARY_TEXT: .*binary/);
    expect(reasonOf(cases.oversize)).toMatch(/^VALIDATION_FAILED: .*payload\.text/);

    const item = (await (await http('/items/item-edge/sentiment')).json()) as Record<string, unknown>;
    expect(item).toMatchObject({ count: 2, negative: 2, flagged: 2 });
    // Dead letters do not make the worker unready. Readiness pings Kafka and Redis each time it is asked (2 s timeout),
    // so on a loaded CI machine one answer may be late: it must be ready again within seconds, not at one instant.
    const ready = await waitFor(
      async () => {
        const r = await http('/health/ready');
        if (r.status !== 200) throw new Error(`ready ${r.status}: ${await r.text()}`);
        return r;
      },
      { timeoutMs: 15_000, what: 'the worker to report ready after dead-lettering' },
    );
    expect(ready.status).toBe(200);
  });

  it('refuses to start and names the variable when configuration is invalid', async () => {
    service = h.spawn({ NLP_POOL_SIZE: '0' });
    expect(await service.waitExit()).toBe(1);
    expect(service.tail()).toMatch(/NLP_POOL_SIZE/);
  });
});
