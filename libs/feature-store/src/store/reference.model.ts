import type { ClickstreamEvent } from '@offerstream/contracts';
import { emptyUserState, type UserState } from '../codec/user-state.codec';
import type { FeatureStoreConfig } from '../feature-store.config';
import type { Neighbour } from '../feature-store.reader';
import { addItemDeltas, emptyItemDeltas } from '../rules/item-deltas';
import { applyUserEvent, mergeUserStates, type ItemInfoLookup } from '../rules/user-profile.rules';
import { coocCosine, topK } from '../rules/vector-math';

/**
 * The same update rules applied in memory, one event at a time, with no Redis, batching, watermarks or
 * retries: what the stream processor's state must equal after any replay, crash or rebalance.
 */
export class ReferenceFeatureModel {
  readonly users = new Map<string, UserState>();
  readonly popularity = new Map<string, number>();
  readonly trending = new Map<string, number>();
  readonly cooc = new Map<string, Map<string, number>>();
  readonly mass = new Map<string, number>();
  readonly rejected: { partition: number; offset: number; code: string }[] = [];

  constructor(
    private readonly cfg: FeatureStoreConfig,
    private readonly info: ItemInfoLookup = () => undefined,
  ) {}

  apply(partition: number, offset: number, e: ClickstreamEvent): void {
    const key = e.userId ?? e.anonymousId ?? '';
    let s = this.users.get(key);
    if (!s) {
      s = emptyUserState(this.cfg.priceBands.length + 1, e.userId === undefined);
      this.users.set(key, s);
    }
    const anon = e.anonymousId;
    if (e.userId !== undefined && anon !== undefined && anon !== e.userId && !s.merged.includes(anon)) {
      const from = this.users.get(anon);
      if (from) {
        mergeUserStates(s, from, anon, this.cfg);
        this.users.delete(anon);
      }
    }
    const r = applyUserEvent(s, e, partition, offset, this.info, this.cfg);
    if (!r.ok) {
      this.rejected.push({ partition, offset, code: r.code });
      return;
    }
    const d = emptyItemDeltas();
    addItemDeltas(d, offset, r.touches, this.cfg);
    for (const [, item, inc] of d.popularity) this.popularity.set(item, (this.popularity.get(item) ?? 0) + inc);
    for (const [, item, inc] of d.trending) this.trending.set(item, (this.trending.get(item) ?? 0) + inc);
    for (const [item, groups] of d.cooc) {
      for (const g of groups) {
        this.mass.set(item, (this.mass.get(item) ?? 0) + g.n);
        let m = this.cooc.get(item);
        if (!m) {
          m = new Map();
          this.cooc.set(item, m);
        }
        for (const [p, inc] of g.partners) m.set(p, (m.get(p) ?? 0) + inc);
      }
    }
  }

  /** Top-K neighbours from the final counts (assumes no co-occurrence set exceeded FS_COOC_MAX). */
  neighbours(itemId: string): Neighbour[] {
    const m = this.cooc.get(itemId);
    if (!m) return [];
    const ni = this.mass.get(itemId) ?? 0;
    const scored = [...m].map(([p, c]) => ({ itemId: p, score: coocCosine(c, ni, this.mass.get(p) ?? 0) }));
    return topK(
      scored.filter((s) => s.score > 0),
      this.cfg.neighboursK,
    );
  }
}
