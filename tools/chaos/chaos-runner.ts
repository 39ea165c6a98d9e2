import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { allTopicNames, TOPICS, type Offer } from '@offerstream/contracts';
import { createLogger, seededRandom } from '@offerstream/core';
import { createKafka, loadKafkaEnv } from '@offerstream/kafka';
import { createRedis, loadRedisEnv } from '@offerstream/redis';
import { kcatConsumeAll, waitFor } from '@offerstream/testing';
import type { Admin } from 'kafkajs';
import { sleep, type ChaosContext, type Fault } from './chaos-context';
import { CHAOS_GROUPS, CHAOS_KEY_PREFIX, ChaosServices, SERVICES } from './chaos-services';
import { pauseBroker, restartBroker } from './faults/broker-faults';
import { poisonEveryClass } from './faults/poison-faults';
import { killMidBatch, killMidDecision } from './faults/process-faults';
import { fillRedis, killRedis, pauseRedis, restartRedis } from './faults/redis-faults';
import { deleteDlqTopic, resetOffsets } from './faults/topic-faults';
import { checkInvariants, INVARIANTS, KNOWN_GAPS, type Violation } from './invariants';
import { PrivateStack } from './private-stack';
import { recovered, snapshotEnds } from './recovery';
import { campaignBody, catalogEvents, FULL_SIZE, QUICK_SIZE, Streamer, type WorkloadSize } from './workload';

const STREAM = CHAOS_GROUPS['stream-processor'];
const REQUESTS = `${CHAOS_GROUPS['decision-service']}.offer-requests`;

/** The full run: every fault family of issue 12, one after the other, while the event set streams. */
export const FULL_FAULTS: readonly Fault[] = [
  killMidBatch('stream-processor', STREAM, TOPICS.clickstream.name),
  killMidBatch('decision-service', REQUESTS, TOPICS.offerRequests.name),
  killMidDecision(),
  restartBroker,
  restartRedis,
  killRedis,
  pauseRedis(),
  pauseBroker(),
  fillRedis(),
  deleteDlqTopic(),
  poisonEveryClass,
  resetOffsets('stream-processor', STREAM, TOPICS.clickstream.name),
  resetOffsets('decision-service', REQUESTS, TOPICS.offerRequests.name),
];

/**
 * The short run inside `npm test` (about 100 s): the decision-service killed mid-decision, Redis killed hard, the
 * poison. A SIGKILLed consumer holds its partitions until the broker's session timeout (30 s), so one kill is all
 * the time budget allows; the full run kills each service.
 */
export const QUICK_FAULTS: readonly Fault[] = [killMidDecision(20), killRedis, poisonEveryClass];

export interface FaultResult {
  fault: string;
  /** From injection until the fault healed (process killed, broker back, pause over, ...). */
  outageMs: number;
  /** From the heal until every service is ready and every group has consumed what was in the log at the heal. */
  recoveryMs: number | null;
  /** False when a service had to be restarted by the run (as an operator would) to recover. */
  selfRecovered: boolean;
  detail?: string;
  /** The fault could not be injected or healed as scripted (the run goes on; `ok` is false). */
  error?: string;
}

export interface ChaosSummary {
  mode: 'quick' | 'full';
  seed: number;
  ok: boolean;
  durationMs: number;
  faultsInjected: number;
  faults: FaultResult[];
  events: Record<string, number>;
  violations: Record<string, number>;
  examples: Violation[];
  /** Quick run only: violations of invariants listed in KNOWN_GAPS, reported but not failing the run. */
  knownGaps: (Violation & { why: string })[];
  serviceRestartsByRun: Record<string, number>;
}

export interface ChaosOptions {
  mode: 'quick' | 'full';
  seed?: number;
  log?: (m: string) => void;
  /** Only the faults with these names (in run order), e.g. to replay one that failed. */
  only?: readonly string[];
  /** How long a fault may take to recover by itself before the run restarts the service that is not ready. */
  selfRecoveryMs?: number;
}

/** A fresh broker elects partition leaders a moment after the topics are created. */
async function waitForLeaders(admin: Admin): Promise<void> {
  const topics = allTopicNames().map((t) => t.name);
  await waitFor(
    async () => {
      const meta = await admin.fetchTopicMetadata({ topics });
      return meta.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)) || undefined;
    },
    { timeoutMs: 60_000, what: 'partition leaders on the private broker' },
  );
}

async function waitRecovered(ctx: ChaosContext, timeoutMs: number): Promise<number | undefined> {
  // Right after a broker restart the partitions have no leader for a moment: the ends are read once they do.
  const ends = await waitFor(() => snapshotEnds(ctx.admin), { timeoutMs, intervalMs: 500, what: 'the log ends' });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await recovered(ctx.admin, ctx.services, ends).catch(() => false)) return Date.now();
    await sleep(100);
  }
  return undefined;
}

/** Redeems or dismisses part of the offers on the topic so the ledger has every kind of entry. */
async function settleSome(ctx: ChaosContext, rnd: () => number, settled: Set<string>): Promise<number> {
  const offers = (await kcatConsumeAll(ctx.stack.brokers, TOPICS.offers.name)).map(
    (r) => (JSON.parse(r.payload ?? '{}') as { payload: Offer }).payload,
  );
  const messages = [];
  for (const o of offers) {
    if (settled.has(o.offerId)) continue;
    settled.add(o.offerId);
    const x = rnd();
    if (x >= 0.7) continue;
    const payload = {
      offerId: o.offerId,
      campaignId: o.campaignId,
      outcome: x < 0.4 ? 'redeem' : 'dismiss',
      revenue: 30,
    };
    messages.push({
      key: o.userId,
      value: JSON.stringify({
        eventId: randomUUID(),
        schemaVersion: '1.0',
        occurredAt: new Date().toISOString(),
        producer: 'chaos',
        userId: o.userId,
        type: 'offer_outcome',
        payload,
      }),
    });
  }
  if (messages.length) await ctx.producer.send({ topic: TOPICS.offerOutcomes.name, messages });
  ctx.log(`sent ${messages.length} outcomes (redeem or dismiss)`);
  return messages.length;
}

export async function runChaos(opts: ChaosOptions): Promise<ChaosSummary> {
  const started = Date.now();
  process.env['KAFKAJS_NO_PARTITIONER_WARNING'] ??= '1';
  const seed = opts.seed ?? 12;
  const log = opts.log ?? ((m: string) => process.stderr.write(`[chaos] ${m}\n`));
  const size: WorkloadSize = opts.mode === 'quick' ? QUICK_SIZE : FULL_SIZE;
  // --only picks from every fault (with the workload of the mode), to replay one fault on its own.
  const faults = opts.only
    ? [...new Map([...QUICK_FAULTS, ...FULL_FAULTS].map((f) => [f.name, f])).values()].filter((f) =>
        opts.only?.includes(f.name),
      )
    : opts.mode === 'quick'
      ? QUICK_FAULTS
      : FULL_FAULTS;
  const selfRecoveryMs = opts.selfRecoveryMs ?? 90_000;
  const stack = await PrivateStack.start(log);
  const services = new ChaosServices(stack);
  // The run's own client sees every outage; its logs go to a file beside the stack, not into the summary.
  const clientLog = createLogger('chaos-client', 'warn', {}, (line) =>
    appendFileSync(join(stack.dir, 'client.log'), `${line}\n`),
  );
  const kafka = createKafka(
    loadKafkaEnv({ KAFKA_BROKERS: stack.brokers, KAFKA_CLIENT_ID: 'chaos-run', KAFKA_RETRIES: '5' }),
    clientLog,
  );
  const admin = kafka.admin();
  const redis = createRedis(loadRedisEnv({ REDIS_URL: stack.redisUrl, REDIS_KEY_PREFIX: CHAOS_KEY_PREFIX }));
  // Redis is killed on purpose; the client reconnects, and its connection errors are expected.
  redis.on('error', () => undefined);
  let producer: Awaited<ReturnType<typeof Streamer.producer>> | undefined;
  try {
    await admin.connect();
    await waitForLeaders(admin);
    producer = await Streamer.producer(kafka);
    const streamer =
      opts.mode === 'quick' ? new Streamer(producer, size, seed, 20, 200) : new Streamer(producer, size, seed, 20, 300);
    const ctx: ChaosContext = { stack, services, kafka, admin, redis, producer, streamer, answered: [], log };
    await producer.send({
      topic: TOPICS.catalog.name,
      messages: catalogEvents().map((e) => ({ key: e.payload.itemId, value: JSON.stringify(e) })),
    });
    await Promise.all(SERVICES.map((s) => services.start(s)));
    const res = await fetch(services.url('decision-service', '/campaigns'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(campaignBody(size)),
    });
    if (res.status !== 201) throw new Error(`campaign not created: ${res.status} ${await res.text()}`);
    if ((await waitRecovered(ctx, 60_000)) === undefined) throw new Error('the catalog was not applied within 60 s');
    log(`services up after ${Date.now() - started} ms; streaming ${streamer.total} events`);
    streamer.start();

    const rnd = seededRandom(seed);
    const settled = new Set<string>();
    let outcomesSent = 0;
    const results: FaultResult[] = [];
    for (const [i, fault] of faults.entries()) {
      await sleep(opts.mode === 'quick' ? 1_000 : 4_000);
      if (i === Math.floor(faults.length / 2)) outcomesSent += await settleSome(ctx, rnd, settled);
      log(`injecting ${fault.name} (${streamer.progress}/${streamer.total} events sent)`);
      const t0 = Date.now();
      const note = (await fault.inject(ctx).catch((e: unknown) => ({ error: String(e) }))) ?? {};
      const healedAt = ('healedAt' in note ? note.healedAt : undefined) ?? Date.now();
      let at = await waitRecovered(ctx, selfRecoveryMs);
      const selfRecovered = at !== undefined;
      if (!selfRecovered) {
        for (const s of SERVICES) {
          if (await services.ready(s)) continue;
          log(`${s} did not recover within ${selfRecoveryMs} ms; restarting it. Last lines:\n${services.tail(s, 8)}`);
          await services.restart(s);
        }
        at = await waitRecovered(ctx, selfRecoveryMs);
      }
      const r: FaultResult = {
        fault: fault.name,
        outageMs: healedAt - t0,
        recoveryMs: at === undefined ? null : at - healedAt,
        selfRecovered,
        ...('detail' in note && note.detail ? { detail: note.detail } : {}),
        ...('error' in note ? { error: note.error } : {}),
      };
      log(JSON.stringify(r));
      results.push(r);
    }

    await streamer.drain();
    outcomesSent += await settleSome(ctx, rnd, settled);
    // HTTP offers whose publish died with a process leave the outbox after OUTBOX_GRACE_MS (1 s) and a sweep.
    await sleep(2_500);
    if ((await waitRecovered(ctx, selfRecoveryMs)) === undefined) log('WARNING: not caught up before the checks');
    const check = await checkInvariants(ctx, size.budgetSpend);
    const violations = Object.fromEntries(INVARIANTS.map((k) => [k, 0]));
    for (const v of check.violations) violations[v.invariant] = (violations[v.invariant] ?? 0) + 1;
    // The quick run in `npm test` must not fail on a documented gap a kill may or may not hit; the full run does.
    const counted = check.violations.filter((v) => opts.mode === 'full' || KNOWN_GAPS[v.invariant] === undefined);
    const knownGaps = check.violations
      .filter((v) => !counted.includes(v))
      .map((v) => ({ ...v, why: KNOWN_GAPS[v.invariant] ?? '' }));
    return {
      mode: opts.mode,
      seed,
      ok: counted.length === 0 && results.every((r) => r.error === undefined && r.recoveryMs !== null),
      durationMs: Date.now() - started,
      faultsInjected: results.length,
      faults: results,
      events: {
        streamed: streamer.total,
        clickstreamGenerated: streamer.clickstream.length,
        offerRequestsGenerated: streamer.requests.length,
        failedSendsRetried: streamer.failedSends,
        outcomesSent,
        ...check.figures,
      },
      violations,
      examples: counted.slice(0, 20),
      knownGaps,
      serviceRestartsByRun: { ...services.restarts },
    };
  } finally {
    await services.stopAll();
    await producer?.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    redis.disconnect();
    await stack.down();
  }
}
