import { campaign, campaignCreate } from '../campaign/campaign.schema';
import { shadowPrice } from './budget-pacer';

const start = Date.parse('2026-03-01T00:00:00Z');
const DAY = 86_400_000;
const settings = { gain: 1, maxPrice: 5 };

const withBudget = (dates: { startsAt?: string; endsAt?: string }) =>
  campaign.parse({
    ...campaignCreate.parse({ id: 'c', name: 'c', budget: { spend: 1_000, count: 100 }, ...dates }),
    version: 1,
    createdAt: new Date(start).toISOString(),
    updatedAt: new Date(start).toISOString(),
  });

describe('the budget pacer’s shadow price', () => {
  const dated = withBudget({
    startsAt: new Date(start).toISOString(),
    endsAt: new Date(start + 10 * DAY).toISOString(),
  });

  it('is zero while spend is at or behind the linear plan', () => {
    expect(shadowPrice(dated, 300, start + 5 * DAY, settings)).toBe(0);
    expect(shadowPrice(dated, 500, start + 5 * DAY, settings)).toBe(0);
  });

  it('rises with the overspend against the plan and stops at its ceiling', () => {
    // Twice the planned burn halfway through: the price is the gain.
    expect(shadowPrice(dated, 1_000, start + 5 * DAY, settings)).toBeCloseTo(1, 10);
    expect(shadowPrice(dated, 750, start + 5 * DAY, settings)).toBeCloseTo(0.5, 10);
    expect(shadowPrice(dated, 1_000, start + DAY / 10, settings)).toBe(5);
  });

  it('prices only the second half of an open-ended budget, steeply as it runs out', () => {
    const open = withBudget({});
    expect(shadowPrice(open, 400, start + DAY, settings)).toBe(0);
    expect(shadowPrice(open, 750, start + DAY, settings)).toBeCloseTo(1, 10);
    expect(shadowPrice(open, 900, start + DAY, settings)).toBeCloseTo(4, 10);
    expect(shadowPrice(open, 1_000, start + DAY, settings)).toBe(5);
  });
});
