import { createRedis, loadRedisEnv, RedisKeys } from '@offerstream/redis';
import { randomId } from '@offerstream/testing';
import { InteractionLog, type LoggedInteraction } from './interaction.log';
import type { InteractionRecord } from './interaction-record';
import { UserItemGraph } from './user-item.graph';

const DAY = 86_400;
const limits = { maxItemsPerUser: 50, maxUsers: 1000, maxAgeSeconds: 90 * DAY, halfLifeSeconds: 14 * DAY };
const entry = (offset: number, user: string, item: string, weight = 1): LoggedInteraction => ({
  offset,
  record: { user, items: [item], weight, ts: 1_767_225_600 + offset },
});

describe('interaction log on real Redis', () => {
  const redis = createRedis(loadRedisEnv({ ...process.env, REDIS_KEY_PREFIX: `${randomId()}:` }));
  const topic = 'clicks';
  afterAll(async () => {
    await redis.del(RedisKeys.gnn.interactionLog(topic, 0), RedisKeys.gnn.interactionLog(topic, 1));
    await redis.quit();
  });

  it('appends each offset once, so a replayed batch adds nothing and every reader builds the same graph', async () => {
    const writer = new InteractionLog(redis, topic, 1000);
    expect(await writer.append(0, [entry(0, 'u1', 'a'), entry(1, 'u1', 'b', 3), entry(2, 'u2', 'a')])).toBe(3);
    // A replay overlapping what is already logged (a rebalance, a new consumer group) only adds the new offset.
    expect(await writer.append(0, [entry(1, 'u1', 'b', 3), entry(2, 'u2', 'a'), entry(3, 'u2', 'c')])).toBe(1);
    expect(await writer.append(1, [entry(0, 'u3', 'a', 5)])).toBe(1);
    expect(await writer.append(1, [])).toBe(0);

    const reader = new InteractionLog(redis, topic, 1000);
    const graph = new UserItemGraph(limits);
    const seen: InteractionRecord[] = [];
    const collect = (r: InteractionRecord): void => {
      seen.push(r);
      graph.add(r);
    };
    expect(await reader.readNew(2, 2, collect)).toBe(5);
    expect(seen.map((r) => `${r.user}:${r.items.join(',')}:${r.weight}`)).toEqual([
      'u1:a:1',
      'u1:b:3',
      'u2:a:1',
      'u2:c:1',
      'u3:a:5',
    ]);
    expect(graph.numEdges).toBe(5);
    expect(graph.itemsOf('u2')).toEqual(['c', 'a']);

    // Tailing: only what was appended since the last read.
    await writer.append(0, [entry(4, 'u1', 'c')]);
    expect(await reader.readNew(2, 2, (r) => graph.add(r))).toBe(1);
    expect(graph.itemsOf('u1')).toEqual(['c', 'b', 'a']);
    expect(await reader.readNew(2, 2, (r) => graph.add(r))).toBe(0);
  });
});
