import type { FeatureStoreConfig } from '../feature-store.config';
import { forwardDecayWeight } from './decay';
import type { ItemTouch } from './user-profile.rules';

/** Co-occurrence changes of one item from one event (offset), applied once per (item, partition, offset). */
export interface CoocGroup {
  offset: number;
  /** Increment of the item's own decayed mass (the cosine denominator). */
  n: number;
  partners: [partner: string, increment: number][];
}

export interface ItemDeltas {
  /** [offset, itemId, increment] in offset order, for the popularity and trending rankings. */
  popularity: [number, string, number][];
  trending: [number, string, number][];
  cooc: Map<string, CoocGroup[]>;
}

export const emptyItemDeltas = (): ItemDeltas => ({ popularity: [], trending: [], cooc: new Map() });

/** Turns a user's positive interactions into item-side increments, all in forward-decay units. */
export function addItemDeltas(
  d: ItemDeltas,
  offset: number,
  touches: readonly ItemTouch[],
  cfg: FeatureStoreConfig,
): void {
  for (const t of touches) {
    d.popularity.push([
      offset,
      t.itemId,
      forwardDecayWeight(t.weight, t.time, cfg.decayEpochMs, cfg.popularityHalfLifeMs),
    ]);
    d.trending.push([offset, t.itemId, forwardDecayWeight(t.weight, t.time, cfg.decayEpochMs, cfg.trendingHalfLifeMs)]);
    const c = forwardDecayWeight(t.weight, t.time, cfg.decayEpochMs, cfg.coocHalfLifeMs);
    group(d, t.itemId, offset).n += c;
    for (const p of t.partners) {
      group(d, t.itemId, offset).partners.push([p, c]);
      group(d, p, offset).partners.push([t.itemId, c]);
    }
  }
}

function group(d: ItemDeltas, itemId: string, offset: number): CoocGroup {
  let list = d.cooc.get(itemId);
  if (!list) {
    list = [];
    d.cooc.set(itemId, list);
  }
  const last = list[list.length - 1];
  if (last && last.offset === offset) return last;
  const g: CoocGroup = { offset, n: 0, partners: [] };
  list.push(g);
  return g;
}
