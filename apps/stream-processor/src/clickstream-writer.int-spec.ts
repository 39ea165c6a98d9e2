import type { ClickstreamEvent } from '@offerstream/contracts';
import { generateClickstream, isolatedEnv, type IsolatedEnv } from '@offerstream/testing';
import {
  ClickstreamWriter,
  FeatureStoreReader,
  loadFeatureStoreConfig,
  type PartitionEvent,
  type Rejection,
} from '@offerstream/feature-store';

const cfg = loadFeatureStoreConfig({});

// Lives with the app, not in libs/feature-store: a library test importing @offerstream/testing would make the
// shared libraries that testing builds on depend on feature-store in the project graph.
describe('the clickstream writer on a real Redis', () => {
  let ctx: IsolatedEnv;

  beforeEach(async () => {
    ctx = await isolatedEnv();
  });

  afterEach(async () => {
    await ctx.close();
  });

  function batch(): { events: PartitionEvent[]; userId: string } {
    const [good] = [...generateClickstream(1, { users: 1, items: 5, seed: 4, startTime: Date.UTC(2026, 5, 1) })] as [
      ClickstreamEvent,
    ];
    const late: ClickstreamEvent = {
      ...good,
      eventId: 'late',
      occurredAt: new Date(Date.UTC(2026, 5, 1) - 3_600_000).toISOString(),
    };
    const events = [good, late].map((event, i) => ({ offset: String(i), event, bytes: JSON.stringify(event).length }));
    return { events, userId: good.userId ?? good.anonymousId ?? '' };
  }

  it('hands rejections over before writing, so a crash after the dead letter repeats it rather than losing it', async () => {
    const writer = new ClickstreamWriter(ctx.redis, cfg);
    const reader = new FeatureStoreReader(ctx.redis, cfg);
    const { events, userId } = batch();
    const deadLettered: Rejection[][] = [];

    // The process dies right after the dead letter is durable and before any state is written.
    await expect(
      writer.applyBatch(7, events, async (r) => {
        deadLettered.push([...r]);
        throw new Error('killed after the dead-letter send');
      }),
    ).rejects.toThrow('killed after the dead-letter send');
    expect(await reader.getUserState(userId)).toBeNull();

    // The replay judges the late event again and writes the state once.
    const replay = await writer.applyBatch(7, events, async (r) => void deadLettered.push([...r]));
    expect(deadLettered.map((r) => r.map((x) => ({ index: x.index, reason: x.error.message })))).toEqual([
      [{ index: 1, reason: expect.stringMatching(/older than the user's latest/) as unknown }],
      [{ index: 1, reason: expect.stringMatching(/older than the user's latest/) as unknown }],
    ]);
    expect(replay.applied).toBe(1);
    expect((await reader.getUserState(userId))?.eventCount).toBe(1);

    // Once the state is written the batch is behind the watermark: nothing is judged or counted again.
    const again = await writer.applyBatch(7, events, async (r) => void deadLettered.push([...r]));
    expect(again).toMatchObject({ applied: 0, skipped: 2, rejected: [] });
    expect(deadLettered).toHaveLength(2);
    expect((await reader.getUserState(userId))?.eventCount).toBe(1);
  });
});
