import fc from 'fast-check';
import type { KafkaMessage } from 'kafkajs';
import { fuzzParams } from '@offerstream/core';
import { fingerprint, PartitionReconciler, type PartitionMark, type PartitionMarkStore } from './partition-reconciler';

/**
 * The consumer's offset watermarks: PartitionReconciler driven the way the batch consumer drives it (assignment, then
 * batches of any size, seeks, marks written after each batch, rebalances), over random logs, marks and committed
 * offsets. A reference decides what must happen: every event after the mark applied exactly once and in order, none
 * at or before it applied again; a mark past the log end or naming another log's event refuses the partition; a mark
 * below the log start reports the events lost in between.
 */

const TOPIC = 't';
const PARTITION = 0;

/** The message at `offset` of log generation `gen` (a recreated topic reuses offsets with other events). */
const message = (gen: number, offset: number): KafkaMessage => ({
  key: Buffer.from(`k${offset % 3}`),
  value: Buffer.from(`${gen}:${offset}`),
  offset: String(offset),
  timestamp: String(1_700_000_000_000 + offset),
  attributes: 0,
  headers: {},
});

class MemoryMarks implements PartitionMarkStore {
  mark: PartitionMark | undefined;
  read(): Promise<PartitionMark | undefined> {
    return Promise.resolve(this.mark);
  }
  write(_g: string, _t: string, _p: number, mark: PartitionMark): Promise<void> {
    this.mark = mark;
    return Promise.resolve();
  }
}

const scenario = fc
  .record({
    start: fc.nat(20),
    length: fc.nat(30),
    /** -1: no mark (a new group, or Redis wiped). */
    markAt: fc.integer({ min: -1, max: 60 }),
    /** Whether the mark was written while consuming another generation of the topic (recreated since). */
    markFromOtherLog: fc.boolean(),
    committed: fc.option(fc.nat(60), { nil: undefined }),
    batchSizes: fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 8 }),
    /** After how many batches the group rebalances (the consumer has committed what it processed). */
    rebalanceAfter: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
  })
  .map((s) => ({
    ...s,
    end: s.start + s.length,
    committed: s.committed === undefined ? undefined : Math.min(s.committed, s.start + s.length),
  }));

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

interface Outcome {
  applied: number[];
  refused?: string;
  lostBelow?: number;
}

/** The consumer loop around the reconciler, as BatchConsumer and AssignmentReconciler run it. */
async function consume(s: Scenario): Promise<Outcome> {
  const marks = new MemoryMarks();
  if (s.markAt >= 0) {
    marks.mark = { offset: String(s.markAt), fingerprint: fingerprint(message(s.markFromOtherLog ? 1 : 0, s.markAt)) };
  }
  const r = new PartitionReconciler(marks, 'g');
  const out: Outcome = { applied: [] };
  // Fetches never start before the log start (auto.offset.reset=earliest).
  const clamp = (o: number): number => Math.max(o, s.start);
  let committed = s.committed;
  let position = 0;
  const assign = async (): Promise<boolean> => {
    r.reset();
    const v = await r.assigned(
      TOPIC,
      PARTITION,
      committed === undefined ? undefined : BigInt(committed),
      BigInt(s.end),
    );
    if (v?.action === 'refuse') out.refused = v.reason;
    position = clamp(v?.action === 'seek' ? Number(v.offset) : (committed ?? s.start));
    return v?.action !== 'refuse';
  };
  if (!(await assign())) return out;
  for (let batches = 0, steps = 0; position < s.end; steps++) {
    if (steps > 500) throw new Error('the consumer never finished the partition');
    const size = s.batchSizes[steps % s.batchSizes.length]!;
    const messages = Array.from({ length: Math.min(size, s.end - position) }, (_, i) => message(0, position + i));
    const v = await r.check({ topic: TOPIC, partition: PARTITION, messages, highWatermark: String(s.end) });
    if (v.action === 'refuse') {
      out.refused = v.reason;
      return out;
    }
    if (v.action === 'seek') {
      position = clamp(Number(v.offset));
      continue;
    }
    if (v.lostBelow !== undefined) out.lostBelow = Number(v.lostBelow);
    const skip = v.skipThrough ?? -1n;
    const last = messages[messages.length - 1]!;
    for (const m of messages) if (BigInt(m.offset) > skip) out.applied.push(Number(m.offset));
    if (BigInt(last.offset) > skip)
      await marks.write('g', TOPIC, PARTITION, { offset: last.offset, fingerprint: fingerprint(last) });
    position = Number(last.offset) + 1;
    committed = position;
    if (++batches === s.rebalanceAfter && !(await assign())) return out;
  }
  return out;
}

/** What must happen, from the scenario alone. */
function expected(s: Scenario): Outcome {
  const range = (from: number): number[] => Array.from({ length: Math.max(0, s.end - from) }, (_, i) => from + i);
  if (s.markAt < 0) return { applied: range(Math.max(s.start, s.committed ?? s.start)) };
  if (s.markAt >= s.end) return { applied: [], refused: 'ahead_of_log' };
  // The marked event is still in the log and is another log's: the state belongs to a topic that was recreated.
  if (s.markFromOtherLog && s.markAt >= s.start) return { applied: [], refused: 'topic_recreated' };
  const from = Math.max(s.start, s.markAt + 1);
  // Events between the mark and the log start went to retention; that is reported with the first batch read (none
  // arrives from an empty log, and the next event's batch reports it then).
  const lost = s.start > s.markAt + 1 && s.end > s.start;
  return { applied: range(from), ...(lost ? { lostBelow: s.start } : {}) };
}

describe('partition watermarks under property tests', () => {
  it('applies every event after the mark exactly once and in order, or refuses a log the state does not belong to', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        expect(await consume(s)).toEqual(expected(s));
      }),
      fuzzParams(1_000),
    );
  });
});
