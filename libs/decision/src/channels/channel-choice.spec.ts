import { seededRandom } from '@offerstream/core';
import { campaign, campaignCreate, campaignUpdate, describeIssues, mergeCampaign } from '../campaign/campaign.schema';
import type { ConsentView, UserFeatures } from '../features/feature-source.port';
import {
  chooseChannel,
  DEFAULT_CHANNEL_CHOICE,
  engagementWeight,
  type ChannelChoiceInput,
  type ChannelEvidence,
} from './channel-choice';
import { deliveryChannels } from './channel-settings';
import { openChannels, type ChannelContext } from './open-channels';

const now = new Date('2026-03-01T12:00:00Z');
const make = (extra: Record<string, unknown>) =>
  campaign.parse({
    ...campaignCreate.parse({ id: 'c', name: 'c', budget: { spend: 1, count: 1 }, ...extra }),
    version: 1,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
  });
const ALL = [
  { channel: 'email', cost: 0.01 },
  { channel: 'push', cost: 0 },
  { channel: 'site', cost: 0 },
  { channel: 'sms', cost: 0.05 },
];
const user = (granted: ConsentView['granted'], policy: ConsentView['policy'] = 'opt-out'): UserFeatures => ({
  userId: 'u',
  consent: { policy, granted },
});
const ctx = (u: UserFeatures | undefined, channel?: string): ChannelContext => ({
  trigger: 'cart_abandon',
  user: u,
  now,
  ...(channel !== undefined ? { channel } : {}),
});
const choose = (over: Partial<ChannelChoiceInput>, seed = 1) =>
  chooseChannel({
    open: ALL,
    evidence: new Map(),
    gain: 20,
    nowMs: now.getTime(),
    onSiteNow: false,
    settings: DEFAULT_CHANNEL_CHOICE,
    random: seededRandom(seed),
    ...over,
  });
/** How often each channel is chosen over many draws. */
const shares = (over: Partial<ChannelChoiceInput>, n = 2_000): Record<string, number> => {
  const random = seededRandom(7);
  const out: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const c = choose({ ...over, random });
    if (c) out[c.channel] = (out[c.channel] ?? 0) + 1 / n;
  }
  return out;
};

describe('campaign channel settings', () => {
  it('default to on site, or to the delivery channels eligibility names, at no cost', () => {
    expect(deliveryChannels(make({}))).toEqual([{ channel: 'site', cost: 0, requires: ['personalization'] }]);
    expect(deliveryChannels(make({ eligibility: { channels: ['email', 'kiosk'] } }))).toEqual([
      { channel: 'email', cost: 0, requires: ['marketing_email'] },
    ]);
  });

  it('refuse a consent list without the channel’s own purpose, a repeated channel and an unknown one', () => {
    const noOwn = campaignCreate.safeParse({
      name: 'x',
      budget: { spend: 1, count: 1 },
      channels: [{ channel: 'email', requires: ['personalization'] }],
    });
    expect(noOwn.success).toBe(false);
    if (!noOwn.success) expect(describeIssues(noOwn.error)).toMatch(/channels\.0\.requires: .*marketing_email/);
    const twice = campaignUpdate.safeParse({ channels: [{ channel: 'push' }, { channel: 'push', cost: 1 }] });
    expect(twice.success).toBe(false);
    expect(campaignUpdate.safeParse({ channels: [{ channel: 'fax' }] }).success).toBe(false);
    expect(campaignUpdate.safeParse({ channels: [{ channel: 'sms', cost: -1 }] }).success).toBe(false);
  });

  it('are replaced by an update and removed by null', () => {
    const c = make({ channels: [{ channel: 'email', cost: 0.02 }] });
    const next = mergeCampaign(c, campaignUpdate.parse({ channels: [{ channel: 'push' }] }), now);
    expect(next.channels).toEqual([{ channel: 'push', cost: 0 }]);
    expect(mergeCampaign(next, campaignUpdate.parse({ channels: null }), now).channels).toBeUndefined();
  });
});

describe('channels open to a user', () => {
  const c = make({ channels: ALL });

  it('leave out every channel whose consent the user withdrew, and a campaign without any', () => {
    expect(openChannels(c, ctx(user({ marketing_email: false }))).map((o) => o.channel)).toEqual([
      'push',
      'site',
      'sms',
    ]);
    const none = user({ marketing_email: false, marketing_push: false, marketing_sms: false, personalization: false });
    expect(openChannels(c, ctx(none))).toEqual([]);
  });

  it('under opt-in keep only the channels granted', () => {
    expect(openChannels(c, ctx(user({ marketing_push: true }, 'opt-in')))).toEqual([{ channel: 'push', cost: 0 }]);
    expect(openChannels(c, ctx(user({}, 'opt-in')))).toEqual([]);
  });

  it('apply the consents a channel setting adds', () => {
    const strict = make({ channels: [{ channel: 'email', requires: ['marketing_email', 'personalization'] }] });
    expect(openChannels(strict, ctx(user({ personalization: false })))).toEqual([]);
    expect(openChannels(strict, ctx(user({})))).toEqual([{ channel: 'email', cost: 0 }]);
  });

  it('give a request that names its channel that channel or none', () => {
    expect(openChannels(c, ctx(user({}), 'push'))).toEqual([{ channel: 'push', cost: 0 }]);
    expect(openChannels(c, ctx(user({ marketing_email: false }), 'email'))).toEqual([]);
    expect(openChannels(c, ctx(user({}), 'app'))).toEqual([]);
    expect(openChannels(make({}), ctx(user({}), 'app'))).toEqual([{ channel: 'app', cost: 0 }]);
  });
});

describe('channel choice', () => {
  it('never chooses e-mail for a user who withdrew e-mail consent', () => {
    const open = openChannels(make({ channels: ALL }), ctx(user({ marketing_email: false })));
    const evidence = new Map<string, ChannelEvidence>([['email', { offers: 1000, redeems: 900 }]]);
    expect(shares({ open, evidence })['email']).toBeUndefined();
  });

  it('takes a single open channel without a draw', () => {
    let draws = 0;
    const c = choose({ open: [{ channel: 'site', cost: 0 }], random: () => (draws++, 0.5) });
    expect(c).toMatchObject({ channel: 'site', cost: 0 });
    expect(draws).toBe(0);
    expect(choose({ open: [] })).toBeUndefined();
  });

  it('prefers the channel whose learned redeem rate is higher', () => {
    const evidence = new Map<string, ChannelEvidence>([
      ['email', { offers: 2_000, redeems: 300 }],
      ['push', { offers: 2_000, redeems: 40 }],
    ]);
    const s = shares({ open: [ALL[0]!, ALL[1]!], evidence });
    expect(s['email']).toBeGreaterThan(0.95);
  });

  it('nets out the cost of a send: an expensive channel loses at equal response', () => {
    const open = [
      { channel: 'sms', cost: 0.5 },
      { channel: 'push', cost: 0 },
    ];
    const evidence = new Map<string, ChannelEvidence>([
      ['sms', { offers: 5_000, redeems: 500 }],
      ['push', { offers: 5_000, redeems: 500 }],
    ]);
    expect(shares({ open, evidence })['push']).toBeGreaterThan(0.95);
    // Free, the same channel wins half the time.
    const free = shares({ open: open.map((o) => ({ ...o, cost: 0 })), evidence });
    expect(free['sms']).toBeGreaterThan(0.35);
    expect(free['sms']).toBeLessThan(0.65);
  });

  it('still tries a channel with no sends yet now and then', () => {
    const evidence = new Map<string, ChannelEvidence>([['email', { offers: 3_000, redeems: 150 }]]);
    const s = shares({ open: [ALL[0]!, ALL[1]!].map((o) => ({ ...o, cost: 0 })), evidence });
    expect(s['push']).toBeGreaterThan(0.05);
    expect(s['push']).toBeLessThan(0.95);
  });

  it('favours the channel the user engaged on recently, and on site while they are there', () => {
    const open = [
      { channel: 'email', cost: 0 },
      { channel: 'push', cost: 0 },
    ];
    const evidence = new Map<string, ChannelEvidence>([
      ['email', { offers: 5_000, redeems: 500 }],
      ['push', { offers: 5_000, redeems: 500, lastEngagedMs: now.getTime() - 3_600_000 }],
    ]);
    expect(shares({ open, evidence })['push']).toBeGreaterThan(0.95);
    const site = [
      { channel: 'site', cost: 0 },
      { channel: 'email', cost: 0 },
    ];
    const even = new Map<string, ChannelEvidence>([
      ['site', { offers: 5_000, redeems: 500 }],
      ['email', { offers: 5_000, redeems: 500 }],
    ]);
    expect(shares({ open: site, evidence: even, onSiteNow: true })['site']).toBeGreaterThan(0.95);
  });

  it('weighs engagement from 1 now down to the unengaged weight, half-way after a half-life', () => {
    const s = DEFAULT_CHANNEL_CHOICE;
    const t = now.getTime();
    expect(engagementWeight(t, t, s)).toBe(1);
    expect(engagementWeight(undefined, t, s)).toBe(s.unengagedWeight);
    const half = engagementWeight(t - s.engagementHalfLifeHours * 3_600_000, t, s);
    expect(half).toBeCloseTo(s.unengagedWeight + (1 - s.unengagedWeight) / 2, 10);
  });

  it('explains the choice in reason codes', () => {
    const c = choose({ open: [ALL[0]!, ALL[1]!] });
    expect(c?.codes[0]).toBe(`channel:${c?.channel}`);
    expect(c?.codes).toEqual(expect.arrayContaining([expect.stringMatching(/^channel_value:email=-?\d/)]));
  });
});
