import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createLogger } from '@offerstream/core';
import { CampaignCache, CampaignConflictError, CampaignNotFoundError, type Campaign } from '@offerstream/decision';
import { REDIS, SERVICE_LOGGER } from '@offerstream/platform';
import { createRedis, loadRedisEnv, type RedisClient } from '@offerstream/redis';
import { isolatedEnv, randomId, type IsolatedEnv } from '@offerstream/testing';
import { CampaignsController } from './campaigns.controller';
import { loadDecisionServiceConfig } from './decision-service.config';
import { DECISION_CONFIG } from './decision-service.tokens';
import { campaignProviders } from './decision.providers';

/**
 * The campaigns API built by Nest from its own providers only (no Kafka, no engine, no consumers): a controller
 * can be tested alone, here on a real Redis under a random key prefix.
 */
describe('CampaignsController alone, on a real Redis', () => {
  let ctx: IsolatedEnv;
  let redis: RedisClient;
  let app: INestApplicationContext;
  let controller: CampaignsController;
  let cache: CampaignCache;

  beforeAll(async () => {
    ctx = await isolatedEnv();
  });

  afterAll(async () => {
    await ctx.close();
  });

  beforeEach(async () => {
    // Each test under its own prefix inside the suite's, so that the suite's cleanup deletes its keys too.
    redis = createRedis(loadRedisEnv({ ...ctx.env, REDIS_KEY_PREFIX: `${ctx.env['REDIS_KEY_PREFIX']}${randomId()}:` }));
    @Module({
      controllers: [CampaignsController],
      providers: [
        { provide: REDIS, useValue: redis },
        { provide: DECISION_CONFIG, useValue: loadDecisionServiceConfig(ctx.env) },
        { provide: SERVICE_LOGGER, useValue: createLogger('campaigns-controller-test', 'warn') },
        ...campaignProviders,
      ],
    })
    class CampaignsOnly {}
    app = await NestFactory.createApplicationContext(CampaignsOnly, { logger: false });
    controller = app.get(CampaignsController);
    cache = app.get(CampaignCache);
  });

  afterEach(async () => {
    await app.close();
    await redis.quit();
  });

  const spring = { id: 'spring', name: 'Spring sale', budget: { spend: 500, count: 20 }, holdoutShare: 0.1 };

  it('creates a campaign that this instance decides with at once, without waiting for a poll', async () => {
    const created = await controller.create(spring);
    expect(created).toMatchObject({ id: 'spring', name: 'Spring sale', status: 'active', version: 1 });
    expect(cache.all.map((c: Campaign) => c.id)).toEqual(['spring']);
    expect(await controller.list()).toEqual([created]);
    expect(await controller.get('spring')).toEqual(created);
  });

  it('pauses and resumes, and the cache follows each change', async () => {
    await controller.create(spring);
    expect((await controller.pause('spring')).status).toBe('paused');
    expect(cache.all.find((c) => c.id === 'spring')?.status).toBe('paused');
    const resumed = await controller.resume('spring');
    expect(resumed.status).toBe('active');
    expect(resumed.version).toBe(3);
    expect(cache.all.find((c) => c.id === 'spring')?.status).toBe('active');
  });

  it('reports an untouched budget for a campaign nobody was offered yet', async () => {
    await controller.create(spring);
    const report = await controller.report('spring');
    expect(report.campaignId).toBe('spring');
    expect(report.budget).toMatchObject({
      spendLimit: 500,
      countLimit: 20,
      reservedSpend: 0,
      offers: 0,
      offersMade: 0,
    });
  });

  it('refuses an unknown id and a second campaign under an existing id', async () => {
    await controller.create(spring);
    await expect(controller.get('autumn')).rejects.toBeInstanceOf(CampaignNotFoundError);
    await expect(controller.report('autumn')).rejects.toBeInstanceOf(CampaignNotFoundError);
    await expect(controller.create(spring)).rejects.toBeInstanceOf(CampaignConflictError);
  });
});
