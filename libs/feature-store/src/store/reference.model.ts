import { isDeepStrictEqual } from 'node:util';
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

const close = (a: number, b: number, tol: number): boolean =>
  Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b));

/**
 * What differs between a user's state as the stream processor stored it and the reference's, at the precision each
 * field is stored with (weights float32, the vector float16): empty when the events were applied exactly once each,
 * in order. Shared by the feature-store suite and the chaos run.
 */
export function userStateDifferences(got: UserState | null, want: UserState): string[] {
  if (!got) return ['no state stored'];
  const out: string[] = [];
  const same = (what: string, a: unknown, b: unknown): void => {
    if (!isDeepStrictEqual(a, b)) out.push(`${what}: ${JSON.stringify(a)} != ${JSON.stringify(b)}`);
  };
  same('eventCount', got.eventCount, want.eventCount);
  same('history', got.history, want.history);
  same('purchased', got.purchased, want.purchased);
  same('session', got.session, want.session);
  same('rfm.frequency', got.rfm.frequency, want.rfm.frequency);
  same('rfm.lastPurchaseAt', got.rfm.lastPurchaseAt, want.rfm.lastPurchaseAt);
  if (!close(got.rfm.monetary, want.rfm.monetary, 1e-9)) same('rfm.monetary', got.rfm.monetary, want.rfm.monetary);
  for (const [name, m1, m2] of [
    ['categories', got.categories, want.categories],
    ['brands', got.brands, want.brands],
  ] as const) {
    same(`${name} keys`, [...m1.keys()].sort(), [...m2.keys()].sort());
    for (const [k, v] of m2) if (!close(m1.get(k) ?? NaN, v, 1e-4)) same(`${name}.${k}`, m1.get(k), v);
  }
  want.priceBands.forEach((v, i) => {
    if (!close(got.priceBands[i] ?? NaN, v, 1e-4)) same(`priceBands[${i}]`, got.priceBands[i], v);
  });
  if ((got.vector === null) !== (want.vector === null)) out.push('vector present on one side only');
  if (got.vector && want.vector) {
    let maxDiff = 0;
    for (let i = 0; i < want.vector.length; i++)
      maxDiff = Math.max(maxDiff, Math.abs((got.vector[i] ?? 0) - (want.vector[i] ?? 0)));
    if (maxDiff >= 2e-2) out.push(`vector differs by up to ${maxDiff}`);
  }
  return out;
}
