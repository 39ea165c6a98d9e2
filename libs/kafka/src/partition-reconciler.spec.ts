import type { KafkaMessage } from 'kafkajs';
import { fingerprint, PartitionReconciler, type PartitionMark, type PartitionMarkStore } from './partition-reconciler';

/** The verdict logic alone; the Redis-backed store and real Kafka are exercised in consumer-faults.int-spec.ts. */
class MarksInMemory implements PartitionMarkStore {
  readonly marks = new Map<number, PartitionMark>();
  read(_g: string, _t: string, partition: number): Promise<PartitionMark | undefined> {
    return Promise.resolve(this.marks.get(partition));
  }
  write(_g: string, _t: string, partition: number, mark: PartitionMark): Promise<void> {
    this.marks.set(partition, mark);
    return Promise.resolve();
  }
}

const message = (offset: number, body = `event-${offset}`): KafkaMessage =>
  ({ offset: String(offset), timestamp: '1000', key: Buffer.from('k'), value: Buffer.from(body) }) as KafkaMessage;
const batch = (from: number, to: number, end = to + 1, body?: (o: number) => string) => ({
  topic: 't',
  partition: 0,
  highWatermark: String(end),
  messages: Array.from({ length: to - from + 1 }, (_, i) => message(from + i, body?.(from + i))),
});

describe('PartitionReconciler', () => {
  const setup = (markAt?: number): { r: PartitionReconciler; store: MarksInMemory } => {
    const store = new MarksInMemory();
    if (markAt !== undefined) store.marks.set(0, { offset: String(markAt), fingerprint: fingerprint(message(markAt)) });
    return { r: new PartitionReconciler(store, 'g'), store };
  };

  it('processes a partition without a mark as it comes', async () => {
    const { r } = setup();
    expect(await r.check(batch(0, 9))).toEqual({ action: 'process' });
  });

  it('seeks back to the mark when the state is behind, then replays after the verified mark', async () => {
    const { r } = setup(4);
    expect(await r.assigned('t', 0, 10n, 10n)).toEqual({ action: 'seek', offset: '4', reason: 'state_behind' });
    expect(await r.check(batch(4, 9))).toEqual({ action: 'process', skipThrough: 4n });
    expect(await r.check(batch(10, 12))).toEqual({ action: 'process' });
  });

  it('verifies the marked event even when the committed offset follows it', async () => {
    const { r } = setup(9);
    expect(await r.check(batch(10, 12))).toEqual({ action: 'seek', offset: '9', reason: 'verify' });
    expect(await r.check(batch(9, 12))).toEqual({ action: 'process', skipThrough: 9n });
  });

  it('keeps skipping batches that end before the mark until the marked event comes', async () => {
    const { r } = setup(7);
    expect(await r.check(batch(0, 3, 20))).toEqual({ action: 'process', skipThrough: 7n });
    expect(await r.check(batch(4, 9, 20))).toEqual({ action: 'process', skipThrough: 7n });
    expect(await r.check(batch(10, 11, 20))).toEqual({ action: 'process' });
  });

  it('refuses a mark at or past the log end, and keeps refusing after a rebalance', async () => {
    const { r } = setup(1000);
    expect(await r.assigned('t', 0, 2n, 2n)).toMatchObject({ action: 'refuse', reason: 'ahead_of_log' });
    r.reset();
    expect(await r.check(batch(0, 1))).toMatchObject({ action: 'refuse', reason: 'ahead_of_log' });
    expect(r.refused).toEqual([expect.objectContaining({ partition: 0, reason: 'ahead_of_log' })]);
  });

  it('refuses when another event sits at the marked offset (a recreated topic)', async () => {
    const { r } = setup(2);
    expect(await r.check(batch(0, 5, 6, (o) => `new-topic-${o}`))).toMatchObject({
      action: 'refuse',
      reason: 'topic_recreated',
    });
  });

  it('reports events lost to retention when the log now starts past the event after the mark', async () => {
    const { r } = setup(4);
    expect(await r.assigned('t', 0, 10n, 30n)).toMatchObject({ action: 'seek', offset: '4' });
    // The seek went out of range; the consumer restarted at the log start, 20.
    expect(await r.check(batch(20, 25, 30))).toEqual({ action: 'process', skipThrough: 4n, lostBelow: 20n });
  });
});
