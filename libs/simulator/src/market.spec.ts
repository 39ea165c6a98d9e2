import { DEFAULT_MARKET, marketConfig } from './market.config';
import { Market } from './market';
import { sessionEvents } from './market-events';
import { clickstreamEvent } from '@offerstream/contracts';

describe('seeded market', () => {
  it('draws the same catalog and sessions from the same seed and different ones from another seed', () => {
    const a = new Market(DEFAULT_MARKET, 7, 'x');
    const b = new Market(DEFAULT_MARKET, 7, 'x');
    expect(b.items).toEqual(a.items);
    expect(b.sessions(2, 50)).toEqual(a.sessions(2, 50));
    expect(new Market(DEFAULT_MARKET, 8, 'x').sessions(2, 50)).not.toEqual(a.sessions(2, 50));
  });

  it('draws user types close to their configured shares', () => {
    const sessions = new Market(DEFAULT_MARKET, 1, 'x').sessions(1, 20_000);
    for (const t of DEFAULT_MARKET.userTypes) {
      const share = sessions.filter((s) => s.type.name === t.name).length / sessions.length;
      expect(Math.abs(share - t.share)).toBeLessThan(0.02);
    }
  });

  it('ties observable behaviour to the type: never-buyers view more and have no purchase history', () => {
    const sessions = new Market(DEFAULT_MARKET, 1, 'x').sessions(1, 5_000);
    const mean = (name: string, f: (s: (typeof sessions)[number]) => number): number => {
      const of = sessions.filter((s) => s.type.name === name);
      return of.reduce((acc, s) => acc + f(s), 0) / of.length;
    };
    expect(mean('never_buys', (s) => s.viewed.length)).toBeGreaterThan(mean('buys_anyway', (s) => s.viewed.length) + 3);
    expect(mean('never_buys', (s) => s.history.length)).toBe(0);
    expect(mean('put_off', (s) => s.history.length)).toBeGreaterThan(4);
  });

  it('produces clickstream events that the contract accepts', () => {
    const [s] = new Market(DEFAULT_MARKET, 3, 'x').sessions(1, 1);
    const events = sessionEvents(s!, Date.UTC(2026, 0, 1));
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) expect(clickstreamEvent.safeParse(e).success).toBe(true);
  });

  it('validates a market file against the schema', () => {
    expect(marketConfig.safeParse(DEFAULT_MARKET).success).toBe(true);
    expect(marketConfig.safeParse({ ...DEFAULT_MARKET, userTypes: [] }).success).toBe(false);
  });
});
