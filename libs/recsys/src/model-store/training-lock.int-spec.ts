import { createRedis, loadRedisEnv, RedisKeys } from '@offerstream/redis';
import { randomId } from '@offerstream/testing';
import { TrainingLock } from './training-lock';

describe('training lock on real Redis', () => {
  const redis = createRedis(loadRedisEnv({ ...process.env, REDIS_KEY_PREFIX: `${randomId()}:` }));
  afterAll(async () => {
    await redis.del(RedisKeys.gnn.trainLock());
    await redis.quit();
  });

  it('lets one instance train at a time and frees the lock afterwards, also when training throws', async () => {
    const a = new TrainingLock(redis, 60_000);
    const b = new TrainingLock(redis, 60_000);
    let bRan = false;
    expect(
      await a.runExclusive(async () => {
        expect(await b.runExclusive(async () => void (bRan = true))).toBe(false);
      }),
    ).toBe(true);
    expect(bRan).toBe(false);
    expect(await redis.exists(RedisKeys.gnn.trainLock())).toBe(0);
    await expect(b.runExclusive(() => Promise.reject(new Error('training failed')))).rejects.toThrow('training failed');
    expect(await a.runExclusive(async () => undefined)).toBe(true);
  });

  it('does not release a lock that expired and was taken by another instance', async () => {
    const slow = new TrainingLock(redis, 50);
    const other = new TrainingLock(redis, 60_000);
    let finishOther = (): void => undefined;
    let otherRun: Promise<boolean> = Promise.resolve(false);
    await slow.runExclusive(async () => {
      await new Promise((r) => setTimeout(r, 120));
      await new Promise<void>((started) => {
        otherRun = other.runExclusive(async () => {
          started();
          await new Promise<void>((r) => (finishOther = r));
        });
      });
    });
    // The slow holder has finished and released; the lock it lost on expiry must still be the other's.
    expect(await redis.exists(RedisKeys.gnn.trainLock())).toBe(1);
    finishOther();
    expect(await otherRun).toBe(true);
    expect(await redis.exists(RedisKeys.gnn.trainLock())).toBe(0);
  });
});
