import { TokenBuckets } from './token-bucket';

describe('TokenBuckets', () => {
  it('lets a burst through, then one request per refill interval, per caller', () => {
    const b = new TokenBuckets(2, 3);
    const t0 = 1_000_000;
    expect([b.take('a', t0), b.take('a', t0), b.take('a', t0)]).toEqual([0, 0, 0]);
    expect(b.take('a', t0)).toBe(1);
    expect(b.take('b', t0)).toBe(0);
    expect(b.take('a', t0 + 500)).toBe(0);
    expect(b.take('a', t0 + 500)).toBe(1);
  });

  it('tells a caller over a slow rate how many whole seconds to wait', () => {
    const b = new TokenBuckets(0.1, 1);
    expect(b.take('a', 0)).toBe(0);
    expect(b.take('a', 0)).toBe(10);
    expect(b.take('a', 5_000)).toBe(5);
  });

  it('never limits when the rate is 0', () => {
    const b = new TokenBuckets(0, 1);
    expect(Array.from({ length: 5 }, () => b.take('a', 0))).toEqual([0, 0, 0, 0, 0]);
  });
});
