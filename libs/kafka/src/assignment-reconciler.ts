import type { Admin, Batch, Consumer, Kafka } from 'kafkajs';
import type { Logger } from '@offerstream/core';
import type { ConsumerMetrics } from './consumer-metrics';
import { PartitionReconciler, type PartitionMarkStore, type Verdict } from './partition-reconciler';

export interface AssignmentReconcilerDeps {
  readonly kafka: Kafka;
  readonly consumer: Consumer;
  readonly groupId: string;
  readonly topic: string;
  readonly log: Logger;
  readonly metrics: ConsumerMetrics | undefined;
}

/**
 * The batch consumer's side of PartitionReconciler: on each assignment it fetches the committed offsets and log ends
 * (admin client) and acts on the verdicts: seeks back to the mark, or pauses a refused partition and reports it
 * (metric, log, readiness through `refused`).
 */
export class AssignmentReconciler {
  private readonly reconciler: PartitionReconciler;
  private readonly admin: Admin;

  constructor(
    marks: PartitionMarkStore,
    private readonly d: AssignmentReconcilerDeps,
  ) {
    this.reconciler = new PartitionReconciler(marks, d.groupId);
    this.admin = d.kafka.admin();
  }

  connect(): Promise<void> {
    return this.admin.connect();
  }

  disconnect(): Promise<void> {
    return this.admin.disconnect();
  }

  get refused(): PartitionReconciler['refused'] {
    return this.reconciler.refused;
  }

  /** After a rebalance: compares each assigned partition's mark with its committed offset and log end. */
  async assigned(partitions: readonly number[]): Promise<void> {
    this.reconciler.reset();
    if (partitions.length === 0) return;
    try {
      const [[committed], ends] = await Promise.all([
        this.admin.fetchOffsets({ groupId: this.d.groupId, topics: [this.d.topic] }),
        this.admin.fetchTopicOffsets(this.d.topic),
      ]);
      for (const partition of partitions) {
        const c = committed?.partitions.find((p) => p.partition === partition)?.offset;
        const end = ends.find((p) => p.partition === partition)?.high;
        if (end === undefined) continue;
        const v = await this.reconciler.assigned(
          this.d.topic,
          partition,
          c === undefined || c === '-1' ? undefined : BigInt(c),
          // Read again after the mark (see PartitionReconciler.assigned); the first answer if that read fails.
          async () =>
            BigInt(
              (await this.admin.fetchTopicOffsets(this.d.topic).catch(() => ends)).find(
                (p) => p.partition === partition,
              )?.high ?? end,
            ),
        );
        if (v) this.act(v, partition);
      }
    } catch (e) {
      // Not fatal: the first batch of each partition is checked against its mark all the same.
      this.d.log.warn('could not reconcile partitions on assignment', { error: e, partitions });
    }
  }

  /** The verdict on a batch; anything but `process` has been acted on (seek or pause) and the batch is dropped. */
  async check(batch: Pick<Batch, 'topic' | 'partition' | 'messages' | 'highWatermark'>): Promise<Verdict> {
    const v = await this.reconciler.check(batch);
    if (v.action !== 'process') this.act(v, batch.partition);
    else if (v.lostBelow !== undefined) {
      this.d.metrics?.reconcileLost.inc({ topic: this.d.topic, group: this.d.groupId });
      this.d.log.error('state is behind the log start: the events in between were lost to retention', {
        partition: batch.partition,
        logStart: v.lostBelow.toString(),
      });
    }
    return v;
  }

  private act(v: Exclude<Verdict, { action: 'process' }>, partition: number): void {
    const { topic } = this.d;
    const labels = { topic, group: this.d.groupId };
    if (v.action === 'seek') {
      this.d.metrics?.reconcileSeeks.inc({ ...labels, reason: v.reason });
      const fields = { partition, offset: v.offset, reason: v.reason };
      if (v.reason === 'state_behind') this.d.log.warn('state is behind the committed offset; replaying', fields);
      else this.d.log.debug('re-reading the marked event to verify the partition', fields);
      this.d.consumer.seek({ topic, partition, offset: v.offset });
      return;
    }
    this.d.metrics?.refused.set({ ...labels, partition: String(partition), reason: v.reason }, 1);
    this.d.log.error('refusing a partition whose state does not match the log', {
      partition,
      reason: v.reason,
      detail: v.detail,
    });
    this.d.consumer.pause([{ topic, partitions: [partition] }]);
  }
}
