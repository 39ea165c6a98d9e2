import { randomUUID } from 'node:crypto';
import { TOPICS, type ClickstreamEvent } from '@offerstream/contracts';
import { RedisKeys } from '@offerstream/redis';
import {
  generateClickstream,
  KAFKA_BROKERS,
  kcatProduce,
  serviceHarness,
  type ServiceProcess,
  waitFor,
} from '@offerstream/testing';

process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';

const record = (e: ClickstreamEvent): { key: string; value: string } => ({
  key: e.userId ?? 'anon',
  value: JSON.stringify(e),
});

let clock = Date.UTC(2026, 0, 20);
const view = (userId: string, itemId: string): ClickstreamEvent => {
  clock += 1000;
  return {
    eventId: randomUUID(),
    schemaVersion: '1.0',
    occurredAt: new Date(clock).toISOString(),
    producer: 'test',
    userId,
    type: 'product_view',
    payload: { itemId },
  };
};

interface ModelState {
  loaded: { version: string; users: number; items: number } | null;
  graph: { users: number; edges: number; applied: number };
  training: { newInteractions: number; lastPublished: { version: string } | null };
}
interface Candidates {
  version: string;
  foldedIn: boolean;
  candidates: { itemId: string; score: number }[];
}

describe('gnn-worker against real Kafka and Redis', () => {
  const h = serviceHarness('gnn-worker');
  let service: ServiceProcess | undefined;

  const topic = (): string => h.ctx.topicPrefix + TOPICS.clickstream.name;
  const http = (path: string): Promise<Response> => h.fetch(path);
  const json = async <T>(path: string): Promise<T> => (await (await http(path)).json()) as T;
  const start = async (extra: NodeJS.ProcessEnv = {}): Promise<ServiceProcess> =>
    h.start({
      GNN_RANK: '8',
      GNN_TRAIN_MIN_EDGES: '50',
      GNN_TRAIN_MIN_NEW: '1',
      GNN_TRAIN_CHECK_MS: '300',
      GNN_LOG_POLL_MS: '200',
      GNN_VERSION_POLL_MS: '200',
      ...extra,
    });

  it('learns the graph from Kafka, publishes a version to Redis and serves candidates without seen items', async () => {
    const events = [...generateClickstream(3000, { users: 80, items: 120, seed: 7 })];
    await kcatProduce(KAFKA_BROKERS, topic(), events.map(record));
    const interactions = events.filter((e) => ['product_view', 'add_to_cart', 'purchase'].includes(e.type)).length;
    service = await start();

    // Training starts while the log is still filling; wait for the version that covers every interaction.
    const model = await waitFor(
      async () => {
        const m = await json<ModelState>('/model');
        const covered = m.graph.applied === interactions && m.training.newInteractions === 0;
        return covered && m.loaded !== null && m.loaded.version === m.training.lastPublished?.version ? m : undefined;
      },
      { what: 'a published model of all interactions', timeoutMs: 90_000 },
    );
    expect(model.loaded?.version).toMatch(/^v\d+$/);
    expect(await h.ctx.redis.get(RedisKeys.gnn.activeVersion())).toBe(model.loaded?.version);
    expect(await h.ctx.redis.hlen(RedisKeys.gnn.userEmbedding(model.loaded?.version ?? ''))).toBeGreaterThan(10);

    // Seen = every item the user viewed, carted or bought; none may come back.
    const seen = new Map<string, Set<string>>();
    for (const e of events) {
      const items =
        e.type === 'product_view' || e.type === 'add_to_cart'
          ? [e.payload.itemId]
          : e.type === 'purchase'
            ? e.payload.lines.map((l) => l.itemId)
            : [];
      for (const i of items) seen.set(e.userId ?? '', (seen.get(e.userId ?? '') ?? new Set()).add(i));
    }
    const users = [...seen.keys()].slice(0, 10);
    for (const user of users) {
      const res = await json<Candidates>(`/users/${user}/candidates?n=20`);
      expect(res.foldedIn).toBe(false);
      expect(res.candidates.length).toBeGreaterThan(0);
      for (const c of res.candidates) expect(seen.get(user)?.has(c.itemId)).toBe(false);
      const scores = res.candidates.map((c) => c.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
    }

    // A user who arrives after training is folded in from the items the worker saw them touch.
    await kcatProduce(
      KAFKA_BROKERS,
      topic(),
      ['item-1', 'item-2', 'item-3'].map((i) => record(view('newcomer', i))),
    );
    const folded = await waitFor(
      async () => {
        const r = await http('/users/newcomer/candidates?n=10');
        return r.status === 200 ? ((await r.json()) as Candidates) : undefined;
      },
      { what: 'fold-in candidates for a new user' },
    );
    expect(folded.foldedIn).toBe(true);
    expect(folded.candidates).toHaveLength(10);
    expect(folded.candidates.map((c) => c.itemId)).not.toEqual(expect.arrayContaining(['item-1']));
    for (const c of folded.candidates) expect(['item-1', 'item-2', 'item-3']).not.toContain(c.itemId);

    const unknown = await http('/users/nobody/candidates');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { message: string }).message).toMatch(/nobody/);
    const badN = await http(`/users/${users[0]}/candidates?n=abc`);
    expect(badN.status).toBe(400);
    expect(((await badN.json()) as { message: string }).message).toMatch(/n must be an integer/);
    expect((await http(`/users/${'x'.repeat(200)}/candidates`)).status).toBe(400);

    const metrics = await (await http('/metrics')).text();
    expect(metrics).toMatch(/offerstream_gnn_model_version\{[^}]*\} [1-9]/);
    expect(metrics).toMatch(/offerstream_gnn_model_age_seconds\{[^}]*\} \d/);
    expect(metrics).toMatch(/offerstream_gnn_training_seconds\{[^}]*\} \d/);
    const ready = await json<{ checks: Record<string, string> }>('/health/ready');
    expect(ready.checks).toMatchObject({ kafka: 'ok', redis: 'ok' });
  });

  it('rebuilds the same graph from Redis after a restart and ignores a full replay by a new consumer group', async () => {
    const events = [...generateClickstream(1500, { users: 40, items: 60, seed: 11 })];
    await kcatProduce(KAFKA_BROKERS, topic(), events.map(record));
    const interactions = events.filter((e) => ['product_view', 'add_to_cart', 'purchase'].includes(e.type)).length;
    service = await start({ GNN_TRAIN_MIN_EDGES: '1000000' });
    const before = await waitFor(
      async () => {
        const m = await json<ModelState>('/model');
        return m.graph.applied === interactions ? m : undefined;
      },
      { what: `all ${interactions} interactions in the graph` },
    );
    await service.stop('SIGKILL');

    // A new group replays the whole topic: the log's offset watermark turns every event into a duplicate.
    service = await start({ GNN_TRAIN_MIN_EDGES: '1000000', CONSUMER_GROUP: `${h.ctx.env['CONSUMER_GROUP']}-2` });
    const after = await json<ModelState>('/model');
    expect(after.graph).toEqual(before.graph);
    const metricsText = await waitFor(
      async () => {
        const t = await (await http('/metrics')).text();
        return new RegExp(`offerstream_gnn_interactions_total\\{result="duplicate"[^}]*\\} ${interactions}`).test(t)
          ? t
          : undefined;
      },
      { what: 'the replay to be recognised as duplicates' },
    );
    expect(metricsText).not.toMatch(/offerstream_gnn_interactions_total\{result="logged"/);
    expect((await json<ModelState>('/model')).graph).toEqual(before.graph);
  });

  it('refuses to start with a bad setting and names it', async () => {
    const s = h.spawn({ GNN_TRAIN_INTERVAL_MS: 'soon' });
    expect(await s.waitExit()).toBe(1);
    expect(s.tail()).toMatch(/GNN_TRAIN_INTERVAL_MS/);
  });
});
