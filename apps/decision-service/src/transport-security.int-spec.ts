import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes, type Kafka } from 'kafkajs';
import { Redis, type RedisOptions } from 'ioredis';
import { TOPICS, type Offer } from '@offerstream/contracts';
import { createLogger } from '@offerstream/core';
import { FeatureStoreReader, loadFeatureStoreConfig } from '@offerstream/feature-store';
import { createKafka, loadKafkaEnv } from '@offerstream/kafka';
import {
  authFetch,
  createTestPki,
  freePort,
  isolatedEnv,
  kcatConsumeAll,
  kcatProduce,
  secureStackUnavailable,
  ServiceProcess,
  startSecureKafka,
  startTlsRedis,
  testAuthEnv,
  testEvent,
  waitFor,
  type IsolatedEnv,
  type SecureKafka,
  type TestCertificate,
  type TlsRedis,
} from '@offerstream/testing';
import { GREEDY_SERVICE_ENV, OFFERS_PAY, publishProfitModel } from './decision-service.test-fixture';

const secret = (): string => randomBytes(18).toString('hex');
const silent = createLogger('probe', 'error', {}, () => undefined);

/** Connects a kafkajs admin with `env` and describes the cluster; resolves with the error it failed with, if any. */
async function kafkaRefusal(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const admin = createKafka(loadKafkaEnv({ ...env, KAFKA_RETRIES: '0' }), silent).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
    return undefined;
  } catch (e) {
    return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** One ioredis command with explicit connection options; resolves with the error text, or undefined if it ran. */
async function redisRefusal(
  options: RedisOptions,
  command: (r: Redis) => Promise<unknown>,
): Promise<string | undefined> {
  const r = new Redis({ ...options, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  // A refused AUTH or handshake surfaces as an 'error' event; the command then only sees a closed connection.
  const errors: string[] = [];
  r.on('error', (e: Error) => errors.push(e.message));
  try {
    await r.connect();
    await command(r);
    return errors.length > 0 ? errors.join('; ') : undefined;
  } catch (e) {
    return [...errors, e instanceof Error ? e.message : String(e)].join('; ');
  } finally {
    r.disconnect();
  }
}

/** Prefixed topic and group ACLs: what a service principal of this environment may use, and nothing else. */
async function grantPrefix(kafka: Kafka, principals: string[], topicPrefix: string, groupPrefix: string) {
  const admin = kafka.admin();
  await admin.connect();
  const allow = { host: '*', operation: AclOperationTypes.ALL, permissionType: AclPermissionTypes.ALLOW };
  await admin.createAcls({
    acl: principals.flatMap((principal) => [
      {
        ...allow,
        principal,
        resourceType: AclResourceTypes.TOPIC,
        resourceName: topicPrefix,
        resourcePatternType: ResourcePatternTypes.PREFIXED,
      },
      {
        ...allow,
        principal,
        resourceType: AclResourceTypes.GROUP,
        resourceName: groupPrefix,
        resourcePatternType: ResourcePatternTypes.PREFIXED,
      },
    ]),
  });
  await admin.disconnect();
}

const unavailable = secureStackUnavailable();
if (unavailable) console.warn(`transport security suite skipped: ${unavailable}`);
const suite = unavailable ? describe.skip : describe;

/**
 * Issue 11 part 5, for real: a private broker whose listeners are all TLS (SCRAM-SHA-512 on one, a required client
 * certificate on the other, ACLs enforced) and a private redis-server that speaks only TLS with client certificates
 * and ACL users. The stream processor connects by mutual TLS, the decision service by SCRAM; both use a Redis user
 * limited to their key prefix. Certificates and passwords are made by the test; the shared stack is never touched.
 */
suite('transport security: SASL_SSL and mutual TLS to Kafka, TLS and ACL users to Redis', () => {
  const pw = { admin: secret(), offerstream: secret(), intruder: secret(), redisAdmin: secret(), redisSvc: secret() };
  let dir = '';
  let kafka: SecureKafka | undefined;
  let redis: TlsRedis | undefined;
  let ctx: IsolatedEnv | undefined;
  let spCert: TestCertificate;
  let dsCert: TestCertificate;
  let adminCert: TestCertificate;
  let dsEnv: NodeJS.ProcessEnv;
  let dsPort = 0;
  const procs: ServiceProcess[] = [];
  const shop = (): ReturnType<SecureKafka['scramKcat']> => kafka!.scramKcat('offerstream', pw.offerstream);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'os-transport-'));
    const pki = createTestPki(dir);
    const broker = pki.issue('offerstream-test-broker');
    const redisServer = pki.issue('offerstream-test-redis');
    spCert = pki.issue('stream-processor');
    dsCert = pki.issue('decision-service');
    adminCert = pki.issue('test-admin');
    // Both start at once; each is kept as soon as it is up, so afterAll stops it even if the other failed.
    const started = await Promise.allSettled([
      startSecureKafka({
        dir,
        pki,
        broker,
        scramUsers: { admin: pw.admin, offerstream: pw.offerstream, intruder: pw.intruder },
      }).then((k) => (kafka = k)),
      startTlsRedis({ dir, pki, server: redisServer, adminPassword: pw.redisAdmin, adminCert }).then(
        (r) => (redis = r),
      ),
    ]);
    for (const s of started) if (s.status === 'rejected') throw s.reason;
    if (!kafka || !redis) throw new Error('unreachable: both started');
    // The test's own clients (topic creation, assertions) are the super users; services get less below.
    ctx = await isolatedEnv({
      ...GREEDY_SERVICE_ENV,
      ...testAuthEnv(),
      ...kafka.scramEnv('admin', pw.admin),
      ...redis.env('admin', pw.redisAdmin, adminCert),
      JOBS_ENABLED: 'false',
      LOG_LEVEL: 'info',
      // As in the production manifests: the ACL below must allow the persistence check (INFO).
      REDIS_REQUIRE_PERSISTENCE: 'true',
    });
    const id = ctx.topicPrefix.slice(0, -1);
    await ctx.redis.call(
      'ACL',
      'SETUSER',
      'offerstream',
      'reset',
      'on',
      `>${pw.redisSvc}`,
      `~${id}:*`,
      'resetchannels',
      '+@all',
      '-@dangerous',
      // ioredis' ready check asks INFO (server state, no data); without it every connection warns.
      '+info',
    );
    await grantPrefix(ctx.kafka, ['User:offerstream', `User:${spCert.subject}`], ctx.topicPrefix, id);
    await publishProfitModel(ctx.redis, OFFERS_PAY);

    const spPort = await freePort();
    dsPort = await freePort();
    const spEnv = { ...ctx.env, ...kafka.mtlsEnv(spCert), ...redis.env('offerstream', pw.redisSvc, spCert) };
    // ctx.env carries the admin's SCRAM settings: a service on mutual TLS must not inherit them.
    Object.assign(spEnv, { KAFKA_SASL_MECHANISM: '', KAFKA_SASL_USERNAME: '', KAFKA_SASL_PASSWORD: '' });
    dsEnv = {
      ...ctx.env,
      ...kafka.scramEnv('offerstream', pw.offerstream),
      ...redis.env('offerstream', pw.redisSvc, dsCert),
    };
    procs.push(
      ...(await ServiceProcess.startAllReady(
        [
          { app: 'stream-processor', env: spEnv, port: spPort },
          { app: 'decision-service', env: dsEnv, port: dsPort },
        ],
        90_000,
      )),
    );
    const created = await authFetch(`http://127.0.0.1:${dsPort}/campaigns`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: 'tls',
        name: 'tls',
        budget: { spend: 1000, count: 100 },
        holdoutShare: 0,
        offerTypes: { percentDiscounts: [20], freeShipping: false, bundle: false, recommendation: false },
        caps: { perUser: 100, windowHours: 24, cooldownMinutes: 0 },
      }),
    });
    expect(created.status).toBe(201);
  }, 170_000);

  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop('SIGKILL')));
    await ctx?.redis.quit().catch(() => undefined);
    await Promise.all([kafka?.stop(), redis?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('carries events over mutual TLS into Redis and an offer request over SASL_SSL to a published offer', async () => {
    // The shop's catalogue and a view: read by the stream processor (mutual TLS), kept in Redis under its ACL user.
    const item = testEvent(
      'item_upsert',
      {},
      {
        itemId: 'sku-1',
        title: 'Kettle',
        price: 100,
        currency: 'EUR',
        marginRate: 0.5,
        stock: 10,
      },
    );
    await kcatProduce(
      kafka!.saslBrokers,
      ctx!.topicPrefix + TOPICS.catalog.name,
      [{ key: 'sku-1', value: JSON.stringify(item) }],
      shop(),
    );
    const view = testEvent('product_view', 'tls-user', { itemId: 'sku-1', price: 100 });
    await kcatProduce(
      kafka!.saslBrokers,
      ctx!.topicPrefix + TOPICS.clickstream.name,
      [{ key: 'tls-user', value: JSON.stringify(view) }],
      shop(),
    );
    const reader = new FeatureStoreReader(ctx!.redis, loadFeatureStoreConfig({}));
    const profile = await waitFor(async () => (await reader.getUser('tls-user')) ?? undefined, {
      what: 'the stream processor to write the profile',
    });
    expect(profile.userId).toBe('tls-user');
    await waitFor(async () => (await reader.getItems(['sku-1'])).get('sku-1'), {
      what: 'the stream processor to write the catalogue item',
    });

    // An offer request: decided by the decision service (SCRAM), state in Redis, the offer back on Kafka.
    const request = testEvent('offer_request', 'tls-user', {
      userId: 'tls-user',
      placement: 'home',
      context: { itemId: 'sku-1' },
    });
    await kcatProduce(
      kafka!.saslBrokers,
      ctx!.topicPrefix + TOPICS.offerRequests.name,
      [{ key: 'tls-user', value: JSON.stringify(request) }],
      shop(),
    );
    const offers = await waitFor(
      async () => {
        const records = await kcatConsumeAll(kafka!.saslBrokers, ctx!.topicPrefix + TOPICS.offers.name, shop());
        const found = records
          .map((r) => (JSON.parse(r.payload ?? '{}') as { payload: Offer }).payload)
          .filter((o) => o.userId === 'tls-user');
        return found.length > 0 ? found : undefined;
      },
      { what: 'the offer on the offers topic' },
    );
    expect(offers).toHaveLength(1);
    expect(offers[0]!.campaignId).toBe('tls');
    // The reservation's offer record and the trigger-once marker: written through the service's ACL user.
    expect(await ctx!.redis.exists(`c:{budget:tls}:offer:${offers[0]!.offerId}`)).toBe(1);
    expect(await ctx!.redis.get(`d:{tls-user}:once:offer_request:${request.eventId}`)).toMatch(
      new RegExp(`^${offers[0]!.offerId}`),
    );
  });

  it('refuses Kafka clients without TLS, with a wrong password, without a certificate or without ACLs', async () => {
    const sasl = kafka!.scramEnv('offerstream', pw.offerstream);
    expect(await kafkaRefusal(sasl)).toBeUndefined();
    expect(await kafkaRefusal({ KAFKA_BROKERS: kafka!.saslBrokers })).toBeDefined();
    expect(await kafkaRefusal({ ...sasl, KAFKA_SASL_PASSWORD: 'wrong' })).toMatch(/SASL|authentication/i);
    expect(await kafkaRefusal(kafka!.mtlsEnv(spCert))).toBeUndefined();
    const { KAFKA_SSL_CERT_FILE: _c, KAFKA_SSL_KEY_FILE: _k, ...noCert } = kafka!.mtlsEnv(spCert);
    expect(await kafkaRefusal(noCert)).toBeDefined();

    // Valid credentials, no ACL: the intruder can neither read nor write this environment's topics.
    const intruder = createKafka(
      loadKafkaEnv({ ...kafka!.scramEnv('intruder', pw.intruder), KAFKA_RETRIES: '0' }),
      silent,
    );
    const admin = intruder.admin();
    await admin.connect();
    await expect(admin.fetchTopicMetadata({ topics: [ctx!.topicPrefix + TOPICS.clickstream.name] })).rejects.toThrow(
      /authoriz/i,
    );
    await admin.disconnect();
    await expect(
      kcatConsumeAll(
        kafka!.saslBrokers,
        ctx!.topicPrefix + TOPICS.clickstream.name,
        kafka!.scramKcat('intruder', pw.intruder),
      ),
    ).rejects.toThrow(/authoriz/i);
  });

  it('refuses Redis clients without TLS, without a certificate, with a wrong password or outside their prefix', async () => {
    const { port } = new URL(redis!.url);
    const tls = {
      ca: readFileSync(redis!.env('x', 'x', dsCert)['REDIS_TLS_CA_FILE']!),
      cert: readFileSync(dsCert.cert),
      key: readFileSync(dsCert.key),
    };
    const base = { host: '127.0.0.1', port: Number(port), username: 'offerstream', password: pw.redisSvc };
    const id = ctx!.topicPrefix.slice(0, -1);
    expect(await redisRefusal({ ...base, tls }, (r) => r.set(`${id}:probe`, '1'))).toBeUndefined();
    expect(await redisRefusal({ ...base, tls }, (r) => r.get('another-tenant:key'))).toMatch(/NOPERM/);
    expect(await redisRefusal({ ...base, tls }, (r) => r.call('CONFIG', 'GET', 'requirepass'))).toMatch(/NOPERM/);
    expect(await redisRefusal({ ...base, tls, password: 'wrong' }, (r) => r.ping())).toMatch(/WRONGPASS/);
    expect(await redisRefusal(base, (r) => r.ping())).toBeDefined();
    expect(await redisRefusal({ ...base, tls: { ca: tls.ca } }, (r) => r.ping())).toBeDefined();
  });

  it('keeps every password and private key out of the services’ logs', () => {
    const keyBody = (c: TestCertificate): string => readFileSync(c.key, 'utf8').split('\n')[1]!;
    const secrets = [...Object.values(pw), keyBody(spCert), keyBody(dsCert)];
    for (const p of procs) {
      const log = p.output.join('\n');
      expect(p.output.length).toBeGreaterThan(0);
      for (const s of secrets) expect(log).not.toContain(s);
    }
  });

  it('stops the decision service at boot when the broker refuses its password, without logging it', async () => {
    const wrong = secret();
    const port = await freePort();
    const p = ServiceProcess.start('decision-service', {
      ...dsEnv,
      PORT: String(port),
      // Default retries: a refused SASL handshake is not retriable, so the boot fails at once.
      KAFKA_SASL_PASSWORD: wrong,
    });
    procs.push(p);
    expect(await p.waitExit()).toBe(1);
    const log = p.output.join('\n');
    expect(log).toMatch(/"level":"error".*SASL SCRAM SHA512 authentication failed/);
    expect(log).not.toContain(wrong);
  });
});
