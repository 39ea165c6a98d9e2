import type { ClickstreamEvent } from '@offerstream/contracts';
import { encodeFloat16Vector } from '@offerstream/core';
import { ClickstreamWriter, type FeatureStoreConfig, type PartitionEvent } from '@offerstream/feature-store';
import { RedisKeys, type RedisClient } from '@offerstream/redis';

/**
 * Two clusters of shoppers, written as the stream processor's writer would: three spenders each view a1 and buy a2
 * (one line at `unitPrice`), two browsers only view b1 and b2. The a- and b-items' content vectors are orthogonal, so
 * the segment job (k = 2) learns one cluster per group and only spenders have spent. Events are an hour old.
 */
export async function writeSpendersAndBrowsers(
  redis: RedisClient,
  cfg: FeatureStoreConfig,
  unitPrice: number,
): Promise<void> {
  const axis = (i: number): Float32Array => {
    const v = new Float32Array(cfg.vectorDims);
    v[i] = 1;
    return v;
  };
  for (const [id, v] of [
    ['a1', axis(0)],
    ['a2', axis(0)],
    ['b1', axis(1)],
    ['b2', axis(1)],
  ] as const)
    await redis.set(RedisKeys.item.contentVector(id), encodeFloat16Vector(v));

  const t0 = Date.now() - 3_600_000;
  let offset = 0;
  const base = (userId: string) => ({
    schemaVersion: '1.0',
    producer: 'test',
    userId,
    eventId: `e${offset}`,
    occurredAt: new Date(t0 + offset * 1000).toISOString(),
  });
  const at = (event: ClickstreamEvent): PartitionEvent => ({ offset: String(offset++), event, bytes: 200 });
  const view = (userId: string, itemId: string): PartitionEvent =>
    at({ ...base(userId), type: 'product_view', payload: { itemId, price: 80 } });
  const buy = (userId: string, itemId: string): PartitionEvent =>
    at({
      ...base(userId),
      type: 'purchase',
      payload: {
        orderId: `o${offset}`,
        lines: [{ itemId, quantity: 1, unitPrice }],
        total: unitPrice,
        currency: 'EUR',
      },
    });
  const events: PartitionEvent[] = [];
  for (const u of ['spender-1', 'spender-2', 'spender-3']) events.push(view(u, 'a1'), buy(u, 'a2'));
  for (const u of ['browser-1', 'browser-2']) events.push(view(u, 'b1'), view(u, 'b2'));
  await new ClickstreamWriter(redis, cfg).applyBatch(0, events);
}
