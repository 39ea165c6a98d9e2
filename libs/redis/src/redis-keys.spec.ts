import { RedisKeys } from './redis-keys';

/** Redis Cluster hashes only the part between the first `{` and the next `}`. */
const hashTag = (key: string): string => /\{([^}]*)\}/.exec(key)?.[1] ?? key;

describe('Redis key builder', () => {
  it('puts all keys of one user in the same hash slot so they can change in one script', () => {
    const keys = Object.values(RedisKeys.user).map((k) => k('u-42'));
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(keys.map(hashTag))).toEqual(new Set(['u-42']));
  });

  it("keeps a trigger's claim and its decision record in the user's slot, under different keys", () => {
    const once = RedisKeys.decision.userTriggerOnce('u-42', 't-1');
    const record = RedisKeys.decision.userTriggerRecord('u-42', 't-1');
    expect(once).not.toBe(record);
    expect(hashTag(record)).toBe(hashTag(once));
    expect(hashTag(record)).toBe(hashTag(RedisKeys.user.offers('u-42')));
  });

  it('keeps different users apart', () => {
    expect(hashTag(RedisKeys.user.profile('a'))).not.toBe(hashTag(RedisKeys.user.profile('b')));
  });

  it('cannot be tricked by braces inside ids into another hash slot', () => {
    const key = RedisKeys.user.profile('x}{y');
    expect(hashTag(key)).toBe('x__y');
  });
});
