import { z } from 'zod';
import { envelopeShape, itemId, money, currency } from './envelope.schema';

// Catalog events have no user: the envelope's user fields stay optional and the key is the item id.
export const catalogItem = z.object({
  itemId,
  title: z.string().min(1).max(1024),
  description: z.string().max(20_000).default(''),
  categoryPath: z.array(z.string().min(1).max(128)).max(8).default([]),
  brand: z.string().max(256).optional(),
  price: money,
  currency,
  cost: money.optional().describe('Unit cost; with price it bounds how deep a discount may go'),
  marginRate: z
    .number()
    .min(-1)
    .max(1)
    .optional()
    .describe('Gross margin as a share of price, when cost is not shared'),
  stock: z.number().int().min(0),
  tags: z.array(z.string().max(64)).max(64).default([]),
  language: z.string().max(16).optional(),
});
export type CatalogItem = z.infer<typeof catalogItem>;

export const itemUpsertEvent = z.object({ ...envelopeShape, type: z.literal('item_upsert'), payload: catalogItem });
export const itemDeleteEvent = z.object({
  ...envelopeShape,
  type: z.literal('item_delete'),
  payload: z.object({ itemId }),
});

export const catalogEvent = z.discriminatedUnion('type', [itemUpsertEvent, itemDeleteEvent]);
export type CatalogEvent = z.infer<typeof catalogEvent>;
