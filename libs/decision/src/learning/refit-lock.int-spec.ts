import { setTimeout as sleep } from 'node:timers/promises';
import { isolatedRedis } from '@offerstream/testing';
import { RedisKeys, type RedisClient } from '@offerstream/redis';
import { ProfitModelStore } from './profit-model.store';

describe('the refit lock', () => {
  let redis: RedisClient;
  let closeRedis: () => Promise<void>;
  let store: ProfitModelStore;

  beforeAll(() => {
    ({ redis, close: closeRedis } = isolatedRedis());
    store = new ProfitModelStore(redis, 'test-layout');
  });
  afterAll(() => closeRedis());
  afterEach(() => redis.del(RedisKeys.decision.profitLock()));

  it('keeps a refit that outlasts the expiry locked against a second instance, and frees the lock after it', async () => {
    const second: boolean[] = [];
    const held = await store.refitLock.hold('first', 300, async () => {
      for (let i = 0; i < 4; i++) {
        await sleep(250);
        const other = await store.refitLock.hold('second', 300, () => Promise.resolve('ran'));
        second.push(other.held);
      }
      return 'fitted';
    });
    expect(held).toEqual({ held: true, value: 'fitted' });
    // A second instance tried at 250, 500, 750 and 1,000 ms, past the 300 ms expiry each time, and never got in.
    expect(second).toEqual([false, false, false, false]);
    expect(await redis.exists(RedisKeys.decision.profitLock())).toBe(0);
    expect(await store.refitLock.hold('second', 300, () => Promise.resolve('ran'))).toEqual({
      held: true,
      value: 'ran',
    });
  });

  it('neither renews nor releases a lock that expired and passed to another instance', async () => {
    const held = await store.refitLock.hold('first', 300, async () => {
      // The lock vanishes (Redis lost it, or this instance stalled past the expiry) and another instance takes it.
      await redis.del(RedisKeys.decision.profitLock());
      await redis.set(RedisKeys.decision.profitLock(), 'second', 'PX', 60_000);
      expect(await store.refitLock.renew('first', 300)).toBe(false);
      await sleep(250);
      return 'fitted';
    });
    expect(held).toEqual({ held: true, value: 'fitted' });
    expect(await redis.get(RedisKeys.decision.profitLock())).toBe('second');
    expect(await redis.pttl(RedisKeys.decision.profitLock())).toBeGreaterThan(30_000);
  });

  it('releases the lock when the refit fails', async () => {
    await expect(store.refitLock.hold('first', 60_000, () => Promise.reject(new Error('fit failed')))).rejects.toThrow(
      'fit failed',
    );
    expect(await redis.exists(RedisKeys.decision.profitLock())).toBe(0);
  });
});
