import { TOPICS } from '@offerstream/contracts';
import type { Admin } from 'kafkajs';
import { CHAOS_GROUPS, SERVICES, type ChaosServices } from './chaos-services';

/** Every consumer group of the services under test, with the topic it reads. */
export const WATCHED: readonly { group: string; topic: string }[] = [
  { group: CHAOS_GROUPS['stream-processor'], topic: TOPICS.clickstream.name },
  { group: `${CHAOS_GROUPS['stream-processor']}.catalog`, topic: TOPICS.catalog.name },
  { group: `${CHAOS_GROUPS['decision-service']}.clickstream`, topic: TOPICS.clickstream.name },
  { group: `${CHAOS_GROUPS['decision-service']}.offer-requests`, topic: TOPICS.offerRequests.name },
  { group: `${CHAOS_GROUPS['decision-service']}.offer-outcomes`, topic: TOPICS.offerOutcomes.name },
];

type Ends = Map<string, Map<number, number>>;

async function committed(admin: Admin, group: string, topic: string): Promise<Map<number, number>> {
  const [t] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  return new Map((t?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
}

async function logEnds(admin: Admin, topic: string): Promise<Map<number, { low: number; high: number }>> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return new Map(offsets.map((o) => [o.partition, { low: Number(o.low), high: Number(o.high) }]));
}

/** Events in the log not yet committed by the group. */
export async function consumerLag(admin: Admin, group: string, topic: string): Promise<number> {
  const [ends, done] = await Promise.all([logEnds(admin, topic), committed(admin, group, topic)]);
  let lag = 0;
  for (const [p, { low, high }] of ends) {
    const c = done.get(p) ?? -1;
    lag += high - (c < 0 ? low : Math.min(c, high));
  }
  return lag;
}

/** The log end of every watched topic now: the mark a recovery must reach. */
export async function snapshotEnds(admin: Admin): Promise<Ends> {
  const out: Ends = new Map();
  for (const topic of new Set(WATCHED.map((w) => w.topic))) {
    out.set(topic, new Map([...(await logEnds(admin, topic))].map(([p, e]) => [p, e.high])));
  }
  return out;
}

/**
 * Recovered: every service answers ready and every group has committed at least up to the log ends taken when the
 * fault healed (events streamed since then may still be in flight, so the bar does not move under load).
 */
export async function recovered(admin: Admin, services: ChaosServices, ends: Ends): Promise<boolean> {
  for (const s of SERVICES) if (!(await services.ready(s))) return false;
  for (const { group, topic } of WATCHED) {
    const done = await committed(admin, group, topic);
    for (const [p, high] of ends.get(topic) ?? []) {
      if (high > 0 && (done.get(p) ?? -1) < high) return false;
    }
  }
  return true;
}
