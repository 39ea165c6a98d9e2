import { campaign, campaignCreate, campaignUpdate, describeIssues, mergeCampaign } from './campaign.schema';

const base = () =>
  campaign.parse({
    ...campaignCreate.parse({ id: 'c1', name: 'Spring', budget: { spend: 100, count: 10 } }),
    version: 1,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
  });

describe('campaign schema', () => {
  it('fills defaults for offer types, caps, eligibility and a 10% holdout', () => {
    const c = base();
    expect(c.holdoutShare).toBe(0.1);
    expect(c.offerTypes.percentDiscounts).toEqual([10, 20]);
    expect(c.caps.perUser).toBe(3);
    expect(c.eligibility.triggers).toContain('cart_abandon');
  });

  it('rejects a missing budget, unknown fields and reversed dates with readable messages', () => {
    const noBudget = campaignCreate.safeParse({ name: 'x' });
    expect(noBudget.success).toBe(false);
    if (!noBudget.success) expect(describeIssues(noBudget.error)).toMatch(/budget/);
    expect(campaignCreate.safeParse({ name: 'x', budget: { spend: 1, count: 1 }, colour: 'red' }).success).toBe(false);
    const dates = campaignCreate.safeParse({
      name: 'x',
      budget: { spend: 1, count: 1 },
      startsAt: '2026-02-01T00:00:00Z',
      endsAt: '2026-01-01T00:00:00Z',
    });
    expect(dates.success).toBe(false);
    if (!dates.success) expect(describeIssues(dates.error)).toMatch(/endsAt/);
  });

  it('merges a partial update, bumps the version and keeps untouched nested fields', () => {
    const next = mergeCampaign(
      base(),
      campaignUpdate.parse({ status: 'paused', caps: { perUser: 1 } }),
      new Date('2026-01-02T00:00:00Z'),
    );
    expect(next.status).toBe('paused');
    expect(next.caps.perUser).toBe(1);
    expect(next.caps.cooldownMinutes).toBe(60);
    expect(next.version).toBe(2);
  });
});
