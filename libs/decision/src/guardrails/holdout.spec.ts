import { holdoutPosition, isHoldout } from './holdout';

describe('holdout assignment', () => {
  it('puts close to the configured share of users in the holdout', () => {
    let held = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) if (isHoldout(`user-${i}`, 'spring', 0.1)) held++;
    expect(held / n).toBeGreaterThan(0.09);
    expect(held / n).toBeLessThan(0.11);
  });

  it('is deterministic per user and campaign but independent across campaigns', () => {
    expect(holdoutPosition('u1', 'a')).toBe(holdoutPosition('u1', 'a'));
    let both = 0;
    for (let i = 0; i < 10_000; i++) if (isHoldout(`u${i}`, 'a', 0.2) && isHoldout(`u${i}`, 'b', 0.2)) both++;
    expect(both / 10_000).toBeGreaterThan(0.03);
    expect(both / 10_000).toBeLessThan(0.05);
  });

  it('holds nobody out at share zero', () => {
    for (let i = 0; i < 1000; i++) expect(isHoldout(`u${i}`, 'a', 0)).toBe(false);
  });
});
