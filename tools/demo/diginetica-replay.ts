import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { CatalogEvent, ClickstreamEvent } from '@offerstream/contracts';
import { ValidationError } from '@offerstream/core';

/** One product view of the DIGINETICA CIKM Cup 2016 format: `session_id;user_id;item_id;timeframe;eventdate`. */
export interface SessionView {
  session: string;
  user: string | null;
  item: string;
  at: number;
}

export function readDigineticaViews(path: string): SessionView[] {
  const lines = readFileSync(path, 'utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/);
  const header = (lines.shift() ?? '').split(';');
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new ValidationError(`${path}: missing column ${name}`, { header });
    return i;
  };
  const [s, u, it, tf, d] = ['session_id', 'user_id', 'item_id', 'timeframe', 'eventdate'].map(col) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const views: SessionView[] = [];
  for (const line of lines) {
    if (!line.trim()) continue;
    const f = line.split(';');
    const day = Date.parse(`${f[d] ?? ''}T00:00:00Z`);
    if (Number.isNaN(day)) continue;
    views.push({
      session: f[s] ?? '',
      user: f[u] && f[u] !== 'NA' ? f[u] : null,
      item: f[it] ?? '',
      at: day + Number(f[tf] ?? 0),
    });
  }
  return views.sort((a, b) => a.at - b.at);
}

const CATEGORIES = [
  ['Shoes', 'Running'],
  ['Shoes', 'Casual'],
  ['Electronics', 'Phones'],
  ['Electronics', 'Headphones'],
  ['Home', 'Kitchen'],
  ['Beauty', 'Hair care'],
  ['Books', 'Fiction'],
  ['Sports', 'Outdoor'],
] as const;
/** What a shopper might type to find each subcategory above (same order): the demo's synthetic searches. */
const SEARCHES = [
  'running shoes',
  'casual shoes sneakers',
  'phones',
  'wireless headphones',
  'kitchen',
  'hair care',
  'fiction books',
  'outdoor sports',
] as const;
const BRANDS = ['Acme', 'Northwind', 'Globex', 'Initech', 'Umbrella', 'Hooli'];

function hashInt(s: string): number {
  return createHash('sha1').update(s).digest().readUInt32BE(0);
}

function syntheticPrice(item: string): number {
  return 5 + ((hashInt(item) >>> 12) % 200);
}

/**
 * The sample has item ids only, so the demo gives each item a deterministic synthetic catalog entry (category,
 * brand, price, margin, stock); these are marked with producer `demo-catalog`.
 */
export function syntheticCatalogItem(item: string): CatalogEvent {
  const h = hashInt(item);
  const [cat, sub] = CATEGORIES[h % CATEGORIES.length] ?? CATEGORIES[0];
  const brand = BRANDS[(h >>> 8) % BRANDS.length] ?? 'Acme';
  const price = syntheticPrice(item);
  return {
    eventId: randomUUID(),
    schemaVersion: '1.0',
    occurredAt: new Date().toISOString(),
    producer: 'demo-catalog',
    type: 'item_upsert',
    payload: {
      itemId: item,
      title: `${brand} ${sub} ${item}`,
      description: `${sub} from ${brand}, ${cat.toLowerCase()} department`,
      categoryPath: [cat, sub],
      brand,
      price,
      currency: 'EUR',
      marginRate: 0.2 + ((h >>> 20) % 30) / 100,
      stock: (h >>> 4) % 17 === 0 ? 0 : 5 + ((h >>> 16) % 100),
      tags: [],
      language: 'en',
    },
  };
}

/**
 * Turns views into clickstream events at replay time. The real data has views only; to exercise every trigger,
 * some sessions start with a synthetic search and end with a synthetic cart (abandoned), a purchase, or a review,
 * decided by a hash of the session so the replay is the same every time (producer `demo-synthesizer`).
 */
export function* viewsToEvents(views: readonly SessionView[]): Generator<ClickstreamEvent> {
  const lastViewOfSession = new Map<string, number>();
  views.forEach((v, i) => lastViewOfSession.set(v.session, i));
  const searched = new Set<string>();
  for (let i = 0; i < views.length; i++) {
    const v = views[i];
    if (!v) continue;
    const who = v.user ? { userId: `dg-${v.user}` } : { anonymousId: `dg-session-${v.session}` };
    const base = (producer: string) => ({
      eventId: `dg-${v.session}-${i}-${producer}`,
      schemaVersion: '1.0',
      occurredAt: new Date().toISOString(),
      producer,
      sessionId: `dg-${v.session}`,
      ...who,
    });
    // A quarter of sessions start with a search for the first viewed item's subcategory (the real sample has none),
    // so search intent in the shop's categories shows in the demo.
    if (!searched.has(v.session) && hashInt(`search-${v.session}`) % 4 === 0) {
      const query = SEARCHES[hashInt(v.item) % CATEGORIES.length] ?? 'shoes';
      yield { ...base('demo-synthesizer'), eventId: `dg-${v.session}-${i}-search`, type: 'search', payload: { query } };
    }
    searched.add(v.session);
    yield { ...base('diginetica'), type: 'product_view', payload: { itemId: v.item } };
    if (lastViewOfSession.get(v.session) !== i) continue;
    const roll = hashInt(`end-${v.session}`) % 100;
    const price = syntheticPrice(v.item);
    if (roll < 30) {
      yield {
        ...base('demo-synthesizer'),
        type: 'add_to_cart',
        payload: { itemId: v.item, quantity: 1, unitPrice: price },
      };
    } else if (roll < 40) {
      yield {
        ...base('demo-synthesizer'),
        type: 'purchase',
        payload: {
          orderId: `dg-order-${v.session}`,
          lines: [{ itemId: v.item, quantity: 1, unitPrice: price }],
          total: price,
          currency: 'EUR',
        },
      };
    } else if (roll < 45) {
      const unhappy = roll < 43;
      yield {
        ...base('demo-synthesizer'),
        type: 'review',
        payload: {
          itemId: v.item,
          rating: unhappy ? 1 : 5,
          text: unhappy
            ? 'Arrived broken and support never answered. Very disappointed, want a refund.'
            : 'Great quality, fast delivery, would buy again.',
        },
      };
    }
  }
}
