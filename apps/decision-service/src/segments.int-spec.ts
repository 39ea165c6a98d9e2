import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ValidationError } from '@offerstream/core';
import {
  campaign,
  campaignCreate,
  DecisionOutcomeStore,
  FeatureStoreAdapter,
  ineligibility,
  type Campaign,
} from '@offerstream/decision';
import { FeatureStoreReader, loadFeatureStoreConfig, SegmentJob } from '@offerstream/feature-store';
import { REDIS } from '@offerstream/platform';
import { RedisKeys } from '@offerstream/redis';
import { isolatedEnv, type IsolatedEnv } from '@offerstream/testing';
import { SegmentsController } from './segments.controller';
import { writeSpendersAndBrowsers } from './segments.test-fixture';

const cfg = loadFeatureStoreConfig({ FS_SEGMENT_K: '2' });
const T0 = Date.now() - 3_600_000;

/** A campaign (as stored) that targets the given segments. */
const targeting = (segments: string[]): Campaign =>
  campaign.parse({
    ...campaignCreate.parse({ id: 'seg', name: 'seg', budget: { spend: 100, count: 10 }, eligibility: { segments } }),
    version: 1,
    createdAt: new Date(T0).toISOString(),
    updatedAt: new Date(T0).toISOString(),
  });

// Rule and learned segments from definition to eligibility: profiles written by the stream processor's writer, the
// segment job run as the stream processor runs it, the API as the decision service serves it, all on a real Redis.
describe('segments on a real Redis', () => {
  let ctx: IsolatedEnv;
  let app: INestApplicationContext;
  let api: SegmentsController;
  let outcomes: DecisionOutcomeStore;

  beforeAll(async () => {
    ctx = await isolatedEnv();
    await writeSpendersAndBrowsers(ctx.redis, cfg, 120);
    outcomes = new DecisionOutcomeStore(ctx.redis, {
      attributionWindowMs: 60_000,
      logMax: 1000,
      markerTtlSeconds: 600,
    });
    @Module({
      controllers: [SegmentsController],
      providers: [
        { provide: REDIS, useValue: ctx.redis },
        { provide: DecisionOutcomeStore, useValue: outcomes },
      ],
    })
    class SegmentsOnly {}
    app = await NestFactory.createApplicationContext(SegmentsOnly, { logger: false });
    api = app.get(SegmentsController);
  });

  afterAll(async () => {
    await app.close();
    await ctx.close();
  });

  const job = () => new SegmentJob(ctx.redis, cfg, ctx.env['REDIS_KEY_PREFIX'] ?? '');
  // A new reader per read: the reader caches rule definitions and the model for a few seconds.
  const profile = (id: string) => new FeatureStoreReader(ctx.redis, cfg).getUser(id);
  const features = (id: string) =>
    new FeatureStoreAdapter(new FeatureStoreReader(ctx.redis, cfg), ctx.redis, cfg).user(id);

  it('keeps every learned cluster under its id and name across retrains, described by its top features', async () => {
    const first = await job().run();
    expect(first?.ids).toHaveLength(2);
    const spenderCluster = (await profile('spender-1'))?.segment;
    const browserCluster = (await profile('browser-1'))?.segment;
    expect(spenderCluster).toMatch(/^c\d$/);
    expect(browserCluster).not.toBe(spenderCluster);
    expect((await profile('spender-3'))?.segment).toBe(spenderCluster);
    await api.nameCluster(spenderCluster ?? '', { name: 'Buyers of a-things' });

    const second = await job().run();
    expect(second?.version).toBe((first?.version ?? 0) + 1);
    expect((await profile('spender-1'))?.segment).toBe(spenderCluster);
    expect((await profile('browser-2'))?.segment).toBe(browserCluster);

    const view = await api.list();
    const spenders = view.clusters.find((c) => c.id === spenderCluster);
    expect(spenders).toMatchObject({ name: 'Buyers of a-things', size: 3, buyerShare: 1 });
    expect(spenders?.top.map((t) => t.feature)).toContain('boughtBefore');
    expect(view.clusters.find((c) => c.id === browserCluster)).toMatchObject({ size: 2, buyerShare: 0 });
    expect(spenders?.conversion).toBeUndefined();

    // Decisions made while users were in a cluster, joined with the purchases in their window, give its conversion.
    const t = Date.now();
    const decided = (userId: string, action: string, holdout: boolean) => ({
      decisionId: `d-${userId}`,
      userId,
      campaignId: 'seg',
      action,
      propensity: 1,
      features: [],
      available: {},
      holdout,
      segment: spenderCluster ?? '',
      decidedAt: t,
    });
    await outcomes.track(decided('spender-1', 'pct10', false));
    await outcomes.track(decided('spender-2', 'pct10', false));
    await outcomes.track(decided('spender-3', 'none', true));
    await outcomes.purchase('spender-1', 'order-1', 30, t + 1000);
    await outcomes.settleDue(t + 120_000);
    expect((await api.list()).clusters.find((c) => c.id === spenderCluster)?.conversion).toEqual({
      offered: { decisions: 2, converted: 1 },
      notOffered: { decisions: 1, converted: 0 },
      holdout: { decisions: 1, converted: 0 },
    });
  });

  it('evaluates a rule segment on every profile read, and campaigns target it and learned clusters alike', async () => {
    await api.putRule('big-spenders', { name: 'Big spenders', conditions: { monetary: { min: 100 } } });
    expect((await profile('spender-2'))?.segments).toContain('big-spenders');
    expect((await profile('browser-1'))?.segments).not.toContain('big-spenders');

    const rule = targeting(['big-spenders']);
    const ctxOf = async (id: string) => ({
      trigger: 'http_decision' as const,
      channel: 'site',
      user: await features(id),
      now: new Date(),
    });
    expect(ineligibility(rule, await ctxOf('spender-2'))).toBeUndefined();
    expect(ineligibility(rule, await ctxOf('browser-1'))).toBe('segment');
    const browserCluster = (await profile('browser-1'))?.segment ?? '';
    const cluster = targeting([browserCluster]);
    expect(ineligibility(cluster, await ctxOf('browser-1'))).toBeUndefined();
    expect(ineligibility(cluster, await ctxOf('spender-2'))).toBe('segment');

    // The segment job measures rule segments on its sample too.
    await job().run();
    expect((await api.list()).rules).toEqual([expect.objectContaining({ id: 'big-spenders', size: 3, buyerShare: 1 })]);

    await api.deleteRule('big-spenders');
    expect((await profile('spender-2'))?.segments).not.toContain('big-spenders');
    expect(ineligibility(rule, await ctxOf('spender-2'))).toBe('segment');
  });

  it('refuses bad definitions with the field named, and audits every change', async () => {
    await expect(api.putRule('c7', { name: 'x', conditions: { frequency: { min: 1 } } })).rejects.toThrow(
      /id: ids like c3 are learned clusters/,
    );
    await expect(
      api.putRule('lapsed', { name: 'x', conditions: { recencyDays: { min: 90, max: 30 } } }),
    ).rejects.toThrow(ValidationError);
    await expect(
      api.putRule('lapsed', { name: 'x', conditions: { recencyDays: { min: 90, max: 30 } } }),
    ).rejects.toThrow(/conditions\.recencyDays: recencyDays: min must not exceed max/);
    await expect(api.deleteRule('never-defined')).rejects.toThrow(/segment never-defined does not exist/);
    await api.putRule('lapsed', { name: 'Lapsed', conditions: { recencyDays: { min: 90 } } });
    const audit = await ctx.redis.xrange(RedisKeys.audit.log(), '-', '+');
    const actions = audit.map(([, fields]) => fields[fields.indexOf('action') + 1]);
    expect(actions).toEqual(
      expect.arrayContaining(['segment.cluster.name', 'segment.rule.put', 'segment.rule.delete']),
    );
    expect(actions.filter((a) => a === 'segment.rule.put')).toHaveLength(2);
  });
});
