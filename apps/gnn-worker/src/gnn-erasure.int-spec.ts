import { randomUUID } from 'node:crypto';
import { TOPICS, type ClickstreamEvent } from '@offerstream/contracts';
import { RedisKeys } from '@offerstream/redis';
import {
  authFetch,
  freePort,
  generateClickstream,
  KAFKA_BROKERS,
  kcatProduce,
  keysHolding,
  serviceHarness,
  ServiceProcess,
  testEvent,
  waitFor,
  waitHttpOk,
} from '@offerstream/testing';

process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';

interface ModelState {
  loaded: { version: string; users: number } | null;
  graph: { users: number; edges: number; applied: number };
  training: { newInteractions: number; lastPublished: { version: string } | null };
}

const record = (e: ClickstreamEvent): { key: string; value: string } => ({
  key: e.userId ?? 'anon',
  value: JSON.stringify(e),
});
const view = (userId: string, itemId: string, at: number): ClickstreamEvent =>
  testEvent('product_view', userId, { itemId }, { occurredAt: at });

/**
 * GNN erasure end to end: a running GNN worker learns a user from the clickstream and publishes their embedding; the
 * user is erased through the decision service (DELETE /users/:id, whose erasure consumer deletes the interaction log
 * entries); the worker then publishes a version without them, and Redis is enumerated for anything left.
 */
describe('GNN erasure against real Kafka and Redis', () => {
  const h = serviceHarness('gnn-worker');

  it('removes the erased user from the interaction log, the graph and every model version after the next publish', async () => {
    const victim = `gnn-victim-${randomUUID().slice(0, 8)}`;
    const events = [...generateClickstream(1500, { users: 40, items: 60, seed: 5 })];
    const t0 = Date.parse(events[0]?.occurredAt ?? '2026-01-01T00:00:00Z');
    events.push(...['item-1', 'item-2', 'item-3', 'item-4', 'item-5'].map((i, k) => view(victim, i, t0 + k * 1000)));
    const keeper = events.find((e) => e.type === 'purchase')?.userId ?? '';
    const interactions = events.filter((e) => ['product_view', 'add_to_cart', 'purchase'].includes(e.type)).length;
    await kcatProduce(KAFKA_BROKERS, h.ctx.topicPrefix + TOPICS.clickstream.name, events.map(record));

    // New interactions alone never retrain here (high minimum, long interval): only the erasure can.
    const settings = {
      GNN_RANK: '8',
      GNN_TRAIN_MIN_NEW: '1000000',
      GNN_TRAIN_INTERVAL_MS: '3600000',
      GNN_TRAIN_CHECK_MS: '300',
      GNN_LOG_POLL_MS: '200',
      GNN_VERSION_POLL_MS: '200',
      GNN_VERSION_GRACE_MS: '0',
      GNN_USE_FEATURE_STORE: 'false',
    };
    const model = async (): Promise<ModelState> => (await (await h.fetch('/model')).json()) as ModelState;
    // The log is filled first, without training, and the worker restarted on it: its first (and, but for the
    // erasure, only) model then holds every user, however slowly a loaded machine consumes the topic.
    const filling = await h.start({ ...settings, GNN_TRAIN_MIN_EDGES: '1000000' });
    await waitFor(async () => (await model()).graph.applied === interactions || undefined, {
      what: `all ${interactions} interactions in the log`,
      timeoutMs: 90_000,
    });
    await filling.stop('SIGTERM');
    await h.start({ ...settings, GNN_TRAIN_MIN_EDGES: '50' });
    const first = await waitFor(
      async () => {
        const m = await model();
        const covered = m.graph.applied === interactions && m.training.newInteractions === 0;
        return covered && m.loaded !== null && m.loaded.version === m.training.lastPublished?.version ? m : undefined;
      },
      { what: 'a published model of every interaction', timeoutMs: 90_000 },
    );
    const v1 = first.loaded?.version ?? '';
    const redis = h.ctx.redis;
    const prefix = String(h.ctx.env['REDIS_KEY_PREFIX']);
    expect(await redis.hexists(RedisKeys.gnn.userEmbedding(v1), victim)).toBe(1);
    expect((await h.fetch(`/users/${victim}/candidates?n=5`)).status).toBe(200);
    const before = await keysHolding(redis, prefix, victim);
    expect(before).toContain(RedisKeys.gnn.userEmbedding(v1));
    expect(before.some((k) => k.startsWith('gnn:{ilog|'))).toBe(true);

    const port = await freePort();
    const decision = ServiceProcess.start('decision-service', {
      ...h.ctx.env,
      PORT: String(port),
      CONSUMER_GROUP: `${String(h.ctx.env['CONSUMER_GROUP'])}-decision`,
      DEFAULT_CAMPAIGN: 'false',
      JOBS_ENABLED: 'false',
    });
    try {
      await waitHttpOk(`http://127.0.0.1:${port}/health/ready`, 120_000).catch((e: unknown) => {
        throw new Error(`${String(e)}\n${decision.tail()}`);
      });
      const erased = await authFetch(`http://127.0.0.1:${port}/users/${victim}`, { method: 'DELETE' }, 'admin');
      expect(erased.status).toBe(200);

      // The erasure consumer deletes the log entries and counts the erasure; the worker owes a publish without them.
      const next = await waitFor(
        async () => {
          const m = await model();
          const v = m.training.lastPublished?.version;
          return v !== undefined && v !== v1 && m.loaded?.version === v ? m : undefined;
        },
        { what: 'a version published after the erasure', timeoutMs: 90_000 },
      );
      const v2 = next.loaded?.version ?? '';
      expect(next.graph.users).toBe(first.graph.users - 1);
      expect(await redis.hexists(RedisKeys.gnn.userEmbedding(v2), victim)).toBe(0);
      expect(await redis.hexists(RedisKeys.gnn.userEmbedding(v2), keeper)).toBe(1);
      expect(await redis.exists(RedisKeys.gnn.userEmbedding(v1))).toBe(0);
      const marks = await redis.hgetall(RedisKeys.gnn.erasures());
      expect(marks).toEqual({ requested: '1', applied: '1' });

      // Nothing under the prefix names or holds the user but the tombstone that drops their late events.
      expect(await keysHolding(redis, prefix, victim)).toEqual([RedisKeys.user.erased(victim)]);
      expect((await h.fetch(`/users/${victim}/candidates?n=5`)).status).toBe(404);
      expect((await h.fetch(`/users/${keeper}/candidates?n=5`)).status).toBe(200);
    } finally {
      await decision.stop('SIGKILL');
    }
  });
});
