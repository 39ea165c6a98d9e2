import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { fuzzParams } from '@offerstream/core';
import { RedisPartitionMarks } from './partition-marks';
import { createRedis, loadRedisEnv, type RedisClient } from './redis.config';

/**
 * The consumers' partition marks in Redis against a map: any group id (Kafka allows almost any string), any legal
 * topic name and partition; the last write of a (group, topic, partition) is what is read back, and no two of them
 * share a key.
 */
/** Mostly a few names, so that reads meet earlier writes; some of them look like the key's separators. */
const group = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('g', 'g|t', 'g}', '{g', '') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
);
/** Kafka topic names: letters, digits, '.', '_' and '-'. */
const topic = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('t', 't.x', 'x', 'g') },
  { weight: 1, arbitrary: fc.stringMatching(/^[a-zA-Z0-9._-]{1,20}$/) },
);
const address = fc.tuple(group, topic, fc.nat(3));
const op = fc.oneof(
  fc.record({
    kind: fc.constant('write' as const),
    at: address,
    offset: fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }).map(String),
    fingerprint: fc.stringMatching(/^[0-9a-f]{24}$/),
  }),
  fc.record({ kind: fc.constant('read' as const), at: address }),
);

const prefix = `t${randomBytes(5).toString('hex')}:`;

describe('partition marks in Redis against a map', () => {
  let redis: RedisClient;
  let runs = 0;
  beforeAll(() => {
    redis = createRedis(loadRedisEnv({ ...process.env, REDIS_KEY_PREFIX: prefix }));
  });
  afterAll(async () => {
    let cursor = '0';
    do {
      const [next, keys] = await (redis as Redis).scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys.map((k) => k.slice(prefix.length)));
    } while (cursor !== '0');
    await redis.quit();
  });

  it('reads back the last mark written for each group, topic and partition, and nothing for the others', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 30 }), async (ops) => {
        // Each run its own topics, so earlier runs' marks cannot answer for this one.
        const run = `r${++runs}-`;
        const marks = new RedisPartitionMarks(redis);
        const model = new Map<string, { offset: string; fingerprint: string }>();
        for (const o of ops) {
          const [g, t, p] = o.at;
          const id = JSON.stringify([g, run + t, p]);
          if (o.kind === 'write') {
            const mark = { offset: o.offset, fingerprint: o.fingerprint };
            await marks.write(g, run + t, p, mark);
            model.set(id, mark);
          } else {
            expect(await marks.read(g, run + t, p)).toEqual(model.get(id));
          }
        }
      }),
      fuzzParams(100),
    );
  });
});
