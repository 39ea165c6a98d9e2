import {
  decodeEvent,
  TOPICS,
  dlqTopicName,
  type ClickstreamEvent,
  type DecisionRecord,
  type Offer,
  type OfferOutcomeEvent,
} from '@offerstream/contracts';
import { isHoldout, ReservationStore } from '@offerstream/decision';
import {
  EventCounterStore,
  FeatureStoreReader,
  ItemInfoCache,
  ReferenceFeatureModel,
  loadFeatureStoreConfig,
  userStateDifferences,
} from '@offerstream/feature-store';
import { kcatConsumeAll, type KcatRecord } from '@offerstream/testing';
import type { ChaosContext } from './chaos-context';
import { CHAOS_GROUPS } from './chaos-services';
import { CHAOS_CAMPAIGN, HOLDOUT_SHARE } from './workload';

export const INVARIANTS = [
  'valid-event-applied-once',
  'invalid-event-in-dlq-with-reason',
  'budget-within-limit',
  'ledger-balances',
  'one-offer-per-trigger',
  'no-offer-to-holdout',
  'offer-has-decision-record',
  'decision-record-has-offer',
  'offer-has-reservation',
  'answered-offer-published',
  'offer-request-decided',
] as const;
export type Invariant = (typeof INVARIANTS)[number];

/**
 * Invariants the full run shows violated by a known bug that is documented and not yet fixed
 * (docs/reliability.md, "What the chaos run found"). The full run fails on them; the quick run inside `npm test`
 * reports them under `knownGaps` without failing, since whether its one kill hits the window is chance. None now:
 * `offer-request-decided` (a decision record lost on redelivery) was fixed by keeping the record with the claim,
 * and the quick run fails on it again.
 */
export const KNOWN_GAPS: Partial<Record<Invariant, string>> = {};

export interface Violation {
  invariant: Invariant;
  detail: string;
}

export interface CheckResult {
  violations: Violation[];
  figures: Record<string, number>;
}

const header = (r: KcatRecord, name: string): string | undefined => {
  const h = r.headers ?? [];
  for (let i = 0; i + 1 < h.length; i += 2) if (h[i] === name) return h[i + 1];
  return undefined;
};
const bytesOf = (r: KcatRecord): Buffer | null => (r.payload === null ? null : Buffer.from(r.payload, 'utf8'));
const payloadOf = <T>(r: KcatRecord): T => (JSON.parse(r.payload ?? '{}') as { payload: T }).payload;
const close = (a: number, b: number, tol: number): boolean =>
  Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b));

/**
 * Dead letters of `topic` by (group, source partition, source offset); a dead letter counts only with a reason and
 * the original bytes.
 */
async function deadLetters(ctx: ChaosContext, topic: string): Promise<Map<string, KcatRecord[]>> {
  const out = new Map<string, KcatRecord[]>();
  for (const r of await kcatConsumeAll(ctx.stack.brokers, dlqTopicName(topic))) {
    const k = `${header(r, 'x-dlq-consumer-group')}|${header(r, 'x-dlq-source-partition')}|${header(r, 'x-dlq-source-offset')}`;
    out.set(k, [...(out.get(k) ?? []), r]);
  }
  return out;
}

function expectDead(
  v: Violation[],
  dead: Map<string, KcatRecord[]>,
  topic: string,
  group: string,
  r: KcatRecord,
  why: string,
): void {
  const found = dead.get(`${group}|${r.partition}|${r.offset}`) ?? [];
  const ok = found.some((d) => (header(d, 'x-dlq-reason') ?? '').length > 0 && (d.payload ?? '') === (r.payload ?? ''));
  if (!ok)
    v.push({
      invariant: 'invalid-event-in-dlq-with-reason',
      detail: `${topic}[${r.partition}]@${r.offset} (${why}) not dead-lettered by ${group}${found.length ? ' with its reason and bytes' : ''}`,
    });
}

/** Replays the clickstream through the reference model and compares every user, the counters and the DLQ. */
async function checkClickstream(ctx: ChaosContext, v: Violation[], figures: Record<string, number>): Promise<void> {
  const topic = TOPICS.clickstream.name;
  const cfg = loadFeatureStoreConfig(ctx.services.env('stream-processor'));
  const records = (await kcatConsumeAll(ctx.stack.brokers, topic)).sort(
    (a, b) => a.partition - b.partition || a.offset - b.offset,
  );
  const decoded: { r: KcatRecord; e: ClickstreamEvent }[] = [];
  const dead = await deadLetters(ctx, topic);
  const streamGroup = CHAOS_GROUPS['stream-processor'];
  const decisionGroup = `${CHAOS_GROUPS['decision-service']}.clickstream`;
  const counts: Record<string, number> = {};
  for (const r of records) {
    const d = decodeEvent(TOPICS.clickstream, bytesOf(r));
    if (!d.ok) {
      for (const g of [streamGroup, decisionGroup]) expectDead(v, dead, topic, g, r, d.error.message.slice(0, 60));
      continue;
    }
    counts[d.event.type] = (counts[d.event.type] ?? 0) + 1;
    if ((bytesOf(r)?.length ?? 0) > cfg.maxEventBytes)
      expectDead(v, dead, topic, streamGroup, r, 'over FS_MAX_EVENT_BYTES');
    else decoded.push({ r, e: d.event });
  }
  const ids = new Set(decoded.flatMap(({ e }) => ('itemId' in e.payload ? [String(e.payload.itemId)] : [])));
  for (const { e } of decoded) if (e.type === 'purchase') for (const l of e.payload.lines) ids.add(l.itemId);
  const info = await new ItemInfoCache(ctx.redis, 0, 0).load([...ids]);
  const ref = new ReferenceFeatureModel(cfg, (id) => info.get(id));
  for (const { r, e } of decoded) ref.apply(r.partition, r.offset, e);
  const byOffset = new Map(decoded.map(({ r }) => [`${r.partition}|${r.offset}`, r]));
  for (const rej of ref.rejected) {
    const r = byOffset.get(`${rej.partition}|${rej.offset}`);
    if (r) expectDead(v, dead, topic, streamGroup, r, rej.code);
  }
  const reader = new FeatureStoreReader(ctx.redis, cfg);
  let users = 0;
  for (const [id, want] of ref.users) {
    users++;
    const diff = userStateDifferences(await reader.getUserState(id), want);
    if (diff.length) v.push({ invariant: 'valid-event-applied-once', detail: `user ${id}: ${diff.join('; ')}` });
  }
  const totals = await new EventCounterStore(ctx.redis, streamGroup, topic).totals(TOPICS.clickstream.partitions);
  for (const type of new Set([...Object.keys(counts), ...Object.keys(totals)])) {
    if ((totals[type] ?? 0) !== (counts[type] ?? 0))
      v.push({
        invariant: 'valid-event-applied-once',
        detail: `${type} counted ${totals[type] ?? 0} times, ${counts[type] ?? 0} on the topic`,
      });
  }
  figures['clickstreamRecords'] = records.length;
  figures['clickstreamValid'] = Object.values(counts).reduce((a, b) => a + b, 0);
  figures['clickstreamRefusedByStreamProcessor'] = ref.rejected.length;
  figures['usersCompared'] = users;
}

/** Offer requests and outcomes: undecodable ones and refused outcomes in their DLQ, every valid request decided. */
async function checkRequestsAndOutcomes(
  ctx: ChaosContext,
  v: Violation[],
  offers: Offer[],
  records: DecisionRecord[],
  figures: Record<string, number>,
): Promise<void> {
  const requests = TOPICS.offerRequests.name;
  const reqGroup = `${CHAOS_GROUPS['decision-service']}.offer-requests`;
  const reqDead = await deadLetters(ctx, requests);
  const decided = new Set(records.map((d) => d.trigger.id));
  let valid = 0;
  for (const r of await kcatConsumeAll(ctx.stack.brokers, requests)) {
    const d = decodeEvent(TOPICS.offerRequests, bytesOf(r));
    if (!d.ok) expectDead(v, reqDead, requests, reqGroup, r, d.error.message.slice(0, 60));
    else {
      valid++;
      if (!decided.has(`offer_request:${d.event.eventId}`)) {
        // Its position in the stream places it among the faults (each fault's log line says how far the stream was).
        const at = ctx.streamer.positionOf(d.event.eventId);
        v.push({
          invariant: 'offer-request-decided',
          detail: `offer request ${d.event.eventId}${at ? ` (event ${at} of the stream)` : ''} has no decision record`,
        });
      }
    }
  }
  figures['offerRequestsValid'] = valid;

  const outcomes = TOPICS.offerOutcomes.name;
  const outGroup = `${CHAOS_GROUPS['decision-service']}.offer-outcomes`;
  const outDead = await deadLetters(ctx, outcomes);
  const campaignOf = new Map(offers.map((o) => [o.offerId, o.campaignId]));
  let refused = 0;
  for (const r of await kcatConsumeAll(ctx.stack.brokers, outcomes)) {
    const d = decodeEvent(TOPICS.offerOutcomes, bytesOf(r));
    const o: OfferOutcomeEvent['payload'] | undefined = d.ok ? d.event.payload : undefined;
    const why = !d.ok
      ? d.error.message.slice(0, 60)
      : !campaignOf.has(o!.offerId)
        ? 'UNKNOWN_OFFER'
        : o!.campaignId !== undefined && o!.campaignId !== campaignOf.get(o!.offerId)
          ? 'OFFER_CAMPAIGN_MISMATCH'
          : undefined;
    if (why) {
      refused++;
      expectDead(v, outDead, outcomes, outGroup, r, why);
    }
  }
  figures['outcomesRefused'] = refused;
}

/** The budget ledger, as ledger-faults.int-spec.ts checks it, and the offers against it. */
async function checkLedger(
  ctx: ChaosContext,
  v: Violation[],
  offers: Offer[],
  limit: number,
  figures: Record<string, number>,
): Promise<void> {
  const store = new ReservationStore(ctx.redis, { triggerOnceTtlSeconds: 3_600, historyTtlMs: 3_600_000 });
  const entries = await store.reservations(CHAOS_CAMPAIGN);
  const ledger = await store.ledger(CHAOS_CAMPAIGN);
  const cents = (states: string): number =>
    [...entries.values()].filter((e) => states.includes(e.state)).reduce((s, e) => s + e.cents, 0);
  const n = (states: string): number => [...entries.values()].filter((e) => states.includes(e.state)).length;
  if (ledger.spend > limit + 1e-9 || cents('RD') / 100 > limit + 1e-9)
    v.push({
      invariant: 'budget-within-limit',
      detail: `spend ${ledger.spend} (entries ${cents('RD') / 100}) over ${limit}`,
    });
  const bal: [string, number, number][] = [
    ['made = entries', ledger.made, entries.size],
    ['made = redeemed + released + open', ledger.made, ledger.redeemedCount + ledger.releasedCount + n('R')],
    ['redeemed = D entries', ledger.redeemedCount, n('D')],
    ['released = X/L entries', ledger.releasedCount, n('XL')],
  ];
  for (const [what, a, b] of bal)
    if (a !== b) v.push({ invariant: 'ledger-balances', detail: `${what}: ${a} != ${b}` });
  const money = ledger.redeemedSpend + ledger.releasedSpend + cents('R') / 100;
  if (!close(cents('RDXL') / 100, money, 1e-9))
    v.push({
      invariant: 'ledger-balances',
      detail: `reserved ${cents('RDXL') / 100} != redeemed + released + open ${money}`,
    });
  if (!close(ledger.spend, cents('RD') / 100, 1e-9))
    v.push({ invariant: 'ledger-balances', detail: `held ${ledger.spend} != open + redeemed ${cents('RD') / 100}` });
  Object.assign(figures, {
    budgetLimit: limit,
    budgetHeld: ledger.spend,
    reservations: ledger.made,
    redeemed: ledger.redeemedCount,
    released: ledger.releasedCount,
    open: n('R'),
  });
  const published = new Set(offers.filter((o) => o.campaignId === CHAOS_CAMPAIGN).map((o) => o.offerId));
  for (const id of published)
    if (!entries.has(id))
      v.push({ invariant: 'offer-has-reservation', detail: `offer ${id} published without a reservation` });
  for (const id of entries.keys())
    if (!published.has(id)) v.push({ invariant: 'offer-has-reservation', detail: `reservation ${id} never published` });
}

function checkOffers(ctx: ChaosContext, v: Violation[], offers: Offer[], records: DecisionRecord[]): void {
  const perTrigger = new Map<string, Set<string>>();
  for (const o of offers) perTrigger.set(o.triggerId, (perTrigger.get(o.triggerId) ?? new Set()).add(o.offerId));
  for (const [t, ids] of perTrigger)
    if (ids.size > 1)
      v.push({ invariant: 'one-offer-per-trigger', detail: `trigger ${t}: offers ${[...ids].join(', ')}` });
  for (const o of offers)
    if (o.campaignId === CHAOS_CAMPAIGN && isHoldout(o.userId, o.campaignId, HOLDOUT_SHARE))
      v.push({ invariant: 'no-offer-to-holdout', detail: `offer ${o.offerId} to holdout user ${o.userId}` });
  const recorded = new Set(records.flatMap((d) => (d.kind === 'offer' && d.offerId ? [d.offerId] : [])));
  const published = new Set(offers.map((o) => o.offerId));
  for (const id of published)
    if (!recorded.has(id))
      v.push({ invariant: 'offer-has-decision-record', detail: `offer ${id} has no decision record` });
  for (const id of recorded)
    if (!published.has(id))
      v.push({ invariant: 'decision-record-has-offer', detail: `decision record of ${id}, no offer` });
  for (const a of ctx.answered)
    if (!published.has(a.offerId))
      v.push({
        invariant: 'answered-offer-published',
        detail: `HTTP offer ${a.offerId} to ${a.userId} never published`,
      });
}

/** Every invariant of the run, from the topics and Redis of the private stack once everything has caught up. */
export async function checkInvariants(ctx: ChaosContext, budgetLimit: number): Promise<CheckResult> {
  const v: Violation[] = [];
  const figures: Record<string, number> = {};
  const offers = (await kcatConsumeAll(ctx.stack.brokers, TOPICS.offers.name)).map((r) => payloadOf<Offer>(r));
  const records = (await kcatConsumeAll(ctx.stack.brokers, TOPICS.decisions.name)).map((r) =>
    payloadOf<DecisionRecord>(r),
  );
  figures['offerMessages'] = offers.length;
  figures['offers'] = new Set(offers.map((o) => o.offerId)).size;
  figures['decisionRecords'] = records.length;
  figures['budgetRefusals'] = records.filter((d) => d.reason.startsWith('budget_')).length;
  figures['answeredHttpOffers'] = ctx.answered.length;
  await checkClickstream(ctx, v, figures);
  await checkRequestsAndOutcomes(ctx, v, offers, records, figures);
  await checkLedger(ctx, v, offers, budgetLimit, figures);
  checkOffers(ctx, v, offers, records);
  return { violations: v, figures };
}
