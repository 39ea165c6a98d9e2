import { createHash } from 'node:crypto';
import type { Batch, KafkaMessage } from 'kafkajs';

/**
 * The last offset a consumer group applied to its state in a partition, and a fingerprint of the message at that
 * offset (its timestamp, key and bytes). The fingerprint is the topic's generation marker: kafkajs cannot read
 * Kafka's topic ids, and a recreated topic reuses offsets from 0, so "offset N" alone cannot tell the old topic's
 * event N from the new one's.
 */
export interface PartitionMark {
  readonly offset: string;
  readonly fingerprint: string;
}

/** Where marks are kept: in the same store as the consumer's state (Redis), written after the state of each batch. */
export interface PartitionMarkStore {
  read(group: string, topic: string, partition: number): Promise<PartitionMark | undefined>;
  write(group: string, topic: string, partition: number, mark: PartitionMark): Promise<void>;
}

export function fingerprint(m: Pick<KafkaMessage, 'timestamp' | 'key' | 'value'>): string {
  const h = createHash('sha256');
  h.update(m.timestamp);
  h.update('\0');
  if (m.key) h.update(m.key);
  h.update('\0');
  if (m.value) h.update(m.value);
  return h.digest('hex').slice(0, 24);
}

export type RefusalReason = 'ahead_of_log' | 'topic_recreated';

export type Verdict =
  /** Process the batch; messages at or below `skipThrough` are already applied (the re-read marked message). */
  | { readonly action: 'process'; readonly skipThrough?: bigint; readonly lostBelow?: bigint }
  /** Abandon this batch and read again from `offset`. */
  | { readonly action: 'seek'; readonly offset: string; readonly reason: 'state_behind' | 'verify' }
  /** Do not consume this partition: the state does not belong to this log. */
  | { readonly action: 'refuse'; readonly reason: RefusalReason; readonly detail: string };

type Phase =
  | { readonly kind: 'verified' }
  | { readonly kind: 'seeking'; readonly mark: PartitionMark }
  | { readonly kind: 'refused'; readonly reason: RefusalReason; readonly detail: string };

/**
 * Reconciles what Kafka says was consumed with what the state in Redis says was applied, once per partition after
 * each assignment. The committed offset and the state can disagree after a Redis rollback (restored backup, lost AOF
 * tail: state behind), a topic recreated or truncated (state ahead of the log, or another log's events at the same
 * offsets), or an offset reset (state ahead of the committed offset: harmless, handlers skip what they applied).
 *
 * On the first batch of a partition the reconciler seeks back to the mark, re-reads the marked message and checks
 * its fingerprint: equal, the batch from the message after the mark is processed (so a state behind the committed
 * offset is caught up); different, or a mark at or past the log end, and the partition is refused (the consumer
 * pauses it, and reports it in a metric and in readiness) rather than silently skipping or double-applying events.
 */
export class PartitionReconciler {
  private readonly phases = new Map<number, Phase>();

  constructor(
    private readonly store: PartitionMarkStore,
    private readonly group: string,
  ) {}

  /** After a rebalance every partition is checked again (another member may have moved it meanwhile). */
  reset(): void {
    for (const [p, phase] of this.phases) if (phase.kind !== 'refused') this.phases.delete(p);
  }

  get refused(): { partition: number; reason: RefusalReason; detail: string }[] {
    return [...this.phases].flatMap(([partition, p]) =>
      p.kind === 'refused' ? [{ partition, reason: p.reason, detail: p.detail }] : [],
    );
  }

  /**
   * On assignment, before any batch: a mark at or past the log end refuses the partition, and a committed offset past
   * the mark seeks back to it (a rolled-back state catches up even when no new event arrives). A committed offset at
   * or below the mark needs nothing here: the batches from it carry the marked event and check() verifies it.
   */
  async assigned(
    topic: string,
    partition: number,
    committed: bigint | undefined,
    logEnd: bigint | (() => Promise<bigint>),
  ): Promise<Exclude<Verdict, { action: 'process' }> | undefined> {
    const mark = await this.store.read(this.group, topic, partition);
    if (!mark) {
      this.phases.set(partition, { kind: 'verified' });
      return undefined;
    }
    // The log end is read after the mark: this runs beside the first batches, and a log end read earlier could
    // predate events a batch has applied (and marked) since, which would look like state ahead of the log.
    const end = typeof logEnd === 'bigint' ? logEnd : await logEnd();
    const at = BigInt(mark.offset);
    if (at >= end)
      return this.refuse(partition, 'ahead_of_log', `state applied offset ${mark.offset} but the log ends at ${end}`);
    if (committed === undefined || committed <= at) return undefined;
    this.phases.set(partition, { kind: 'seeking', mark });
    return { action: 'seek', offset: mark.offset, reason: committed > at + 1n ? 'state_behind' : 'verify' };
  }

  async check(batch: Pick<Batch, 'topic' | 'partition' | 'messages' | 'highWatermark'>): Promise<Verdict> {
    const phase = this.phases.get(batch.partition);
    if (phase?.kind === 'verified') return { action: 'process' };
    if (phase?.kind === 'refused') return { action: 'refuse', reason: phase.reason, detail: phase.detail };
    const mark =
      phase?.kind === 'seeking' ? phase.mark : await this.store.read(this.group, batch.topic, batch.partition);
    if (!mark) return this.verified(batch.partition, {});
    const at = BigInt(mark.offset);
    const end = BigInt(batch.highWatermark);
    if (at >= end)
      return this.refuse(
        batch.partition,
        'ahead_of_log',
        `state applied offset ${mark.offset} but the log ends at ${batch.highWatermark}`,
      );
    const first = BigInt(batch.messages[0]?.offset ?? batch.highWatermark);
    if (first <= at) {
      const last = BigInt(batch.messages[batch.messages.length - 1]?.offset ?? batch.highWatermark);
      // All of it applied already, and the marked event is still to come.
      if (last < at) {
        this.phases.set(batch.partition, { kind: 'seeking', mark });
        return { action: 'process', skipThrough: at };
      }
      const marked = batch.messages.find((m) => m.offset === mark.offset);
      // Gone by compaction or a transaction marker: nothing to compare, the offsets agree.
      if (marked && fingerprint(marked) !== mark.fingerprint)
        return this.refuse(
          batch.partition,
          'topic_recreated',
          `the event at offset ${mark.offset} is not the one the state applied (topic recreated?)`,
        );
      return this.verified(batch.partition, { skipThrough: at });
    }
    if (phase?.kind === 'seeking') {
      // The marked event is below the log start (retention): it cannot be compared, and if the log now starts after
      // the event following it, the events in between are gone for good.
      return this.verified(
        batch.partition,
        first > at + 1n ? { skipThrough: at, lostBelow: first } : { skipThrough: at },
      );
    }
    this.phases.set(batch.partition, { kind: 'seeking', mark });
    return { action: 'seek', offset: mark.offset, reason: first > at + 1n ? 'state_behind' : 'verify' };
  }

  private verified(partition: number, v: { skipThrough?: bigint; lostBelow?: bigint }): Verdict {
    this.phases.set(partition, { kind: 'verified' });
    return { action: 'process', ...v };
  }

  private refuse(
    partition: number,
    reason: RefusalReason,
    detail: string,
  ): { action: 'refuse'; reason: RefusalReason; detail: string } {
    this.phases.set(partition, { kind: 'refused', reason, detail });
    return { action: 'refuse', reason, detail };
  }
}
