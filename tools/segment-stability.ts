/**
 * `npm run evaluate -- segments --views FILE [--k 8] [--retrains 6]`: how stable the learned user clusters' ids are
 * across retrains. The DIGINETICA views are replayed in time order through the stream processor's own user rules
 * (content vectors from the demo's synthetic catalog: the sample has item ids only); after each of `retrains + 1`
 * equal slices the users are clustered again, three ways:
 *   stable    what the segment job does: k-means warm-started from the previous centroids, ids by centroid matching
 *   matching  fresh k-means (k-means++, fixed seed) with ids by centroid matching, no warm start
 *   raw       fresh k-means, the cluster's position as its id (what the job published before: seg0..seg7)
 * and, for each pair of consecutive runs, the share of users (present in both) who kept their id: all of them, and
 * those with no event in between (their vector did not move, so any change of id is the clustering's doing).
 */
import { ValidationError, parseCommandFlags, positiveIntFlag } from '@offerstream/core';
import {
  applyUserEvent,
  contentVector,
  describeGroups,
  emptyUserState,
  kmeans,
  loadFeatureStoreConfig,
  normalizeInPlace,
  profileFacts,
  retrainClusters,
  stableClusterIds,
  termCounts,
  toUserProfile,
  type ClusterRun,
  type ItemInfo,
  type UserState,
} from '@offerstream/feature-store';
import { readDigineticaViews, syntheticCatalogItem } from './demo/diginetica-replay';

const USAGE = `usage: npm run evaluate -- segments --views FILE [--k 8] [--retrains 6]
  FILE: DIGINETICA views, session_id;user_id;item_id;timeframe;eventdate (e.g. ../shared/datasets/sessions/diginetica_sample_item_views.csv)`;

interface Kept {
  all: number;
  untouched: number;
}

const share = (hits: number, n: number): number => (n > 0 ? Math.round((hits / n) * 10_000) / 10_000 : NaN);

export async function runSegmentStability(argv: string[]): Promise<Record<string, unknown> | undefined> {
  const flags = parseCommandFlags(
    argv,
    { views: { type: 'string' }, k: { type: 'string' }, retrains: { type: 'string' } },
    USAGE,
  );
  if (flags === null) return undefined;
  if (!flags.views) throw new ValidationError(`--views is required\n${USAGE}`);
  const k = positiveIntFlag(flags.k, 'k') ?? 8;
  const retrains = positiveIntFlag(flags.retrains, 'retrains') ?? 6;
  const cfg = loadFeatureStoreConfig({});
  const views = readDigineticaViews(flags.views);
  const info = catalog([...new Set(views.map((v) => v.item))], cfg.vectorDims);
  const states = new Map<string, UserState>();
  const slice = Math.ceil(views.length / (retrains + 1));
  let stable: ClusterRun | null = null;
  let matching: { centroids: Float32Array[]; ids: string[]; nextId: number } | null = null;
  let previous: { stable: Map<string, string>; matching: Map<string, string>; raw: Map<string, string> } | null = null;
  const pairs: { users: number; untouched: number; kept: Record<'stable' | 'matching' | 'raw', Kept> }[] = [];
  for (let run = 0; run <= retrains; run++) {
    const touched = new Set<string>();
    views.slice(run * slice, (run + 1) * slice).forEach((v, i) => {
      const id = v.user ? `dg-${v.user}` : `dg-session-${v.session}`;
      const s = states.get(id) ?? emptyUserState(cfg.priceBands.length + 1, v.user === null);
      const event = {
        eventId: `v${run}-${i}`,
        schemaVersion: '1.0',
        occurredAt: new Date(v.at).toISOString(),
        producer: 'diginetica',
        userId: id,
        type: 'product_view' as const,
        payload: { itemId: v.item },
      };
      if (applyUserEvent(s, event, 0, run * slice + i, info, cfg).ok) touched.add(id);
      states.set(id, s);
    });
    const users = [...states].filter(([, s]) => s.vector !== null).sort(([a], [b]) => a.localeCompare(b));
    const points = users.map(([, s]) => normalizeInPlace(Float32Array.from(s.vector ?? [])));
    if (points.length < k) continue;
    stable = retrainClusters(points, k, stable);
    const fresh = kmeans(points, k, { seed: 11, maxIter: 30 });
    matching = { centroids: fresh.centroids, ...stableClusterIds(matching, fresh.centroids) };
    const byUser = (ids: readonly string[], assignments: Int32Array) =>
      new Map(users.map(([id], i) => [id, ids[assignments[i] ?? 0] ?? '']));
    const now = {
      stable: byUser(stable.ids, stable.assignments),
      matching: byUser(matching.ids, fresh.assignments),
      raw: byUser(
        fresh.centroids.map((_, i) => `seg${i}`),
        fresh.assignments,
      ),
    };
    if (previous) {
      const prev = previous;
      const both = users.map(([id]) => id).filter((id) => prev.stable.has(id));
      const still = both.filter((id) => !touched.has(id));
      const kept = (m: 'stable' | 'matching' | 'raw'): Kept => ({
        all: share(both.filter((id) => prev[m].get(id) === now[m].get(id)).length, both.length),
        untouched: share(still.filter((id) => prev[m].get(id) === now[m].get(id)).length, still.length),
      });
      pairs.push({
        users: both.length,
        untouched: still.length,
        kept: { stable: kept('stable'), matching: kept('matching'), raw: kept('raw') },
      });
    }
    previous = now;
  }
  const mean = (m: 'stable' | 'matching' | 'raw', w: keyof Kept): number =>
    share(
      pairs.reduce((s, p) => s + p.kept[m][w], 0),
      pairs.length,
    );
  return {
    task: 'segments',
    views: views.length,
    users: states.size,
    k,
    retrains: pairs.length,
    meanKept: {
      stable: { all: mean('stable', 'all'), untouched: mean('stable', 'untouched') },
      matching: { all: mean('matching', 'all'), untouched: mean('matching', 'untouched') },
      raw: { all: mean('raw', 'all'), untouched: mean('raw', 'untouched') },
    },
    pairs,
    finalClusters: stable ? describeFinal(stable, states) : [],
  };
}

/** Item vectors as the stream processor computes them (hashed TF-IDF over the catalog, projected). */
function catalog(items: readonly string[], dims: number): (id: string) => ItemInfo | undefined {
  const entries = items.map((id) => syntheticCatalogItem(id));
  const counts = entries.map((e) => (e.type === 'item_upsert' ? termCounts(e.payload) : new Map<number, number>()));
  const df = new Map<number, number>();
  for (const c of counts) for (const b of c.keys()) df.set(b, (df.get(b) ?? 0) + 1);
  const out = new Map<string, ItemInfo>();
  entries.forEach((e, i) => {
    if (e.type !== 'item_upsert') return;
    const p = e.payload;
    out.set(p.itemId, {
      vector: contentVector(counts[i] ?? new Map<number, number>(), (b) => df.get(b) ?? 0, entries.length, dims),
      category: p.categoryPath[p.categoryPath.length - 1] ?? null,
      brand: p.brand ?? null,
      price: p.price,
    });
  });
  return (id) => out.get(id);
}

function describeFinal(run: ClusterRun, states: Map<string, UserState>) {
  const cfg = loadFeatureStoreConfig({});
  const users = [...states].filter(([, s]) => s.vector !== null).sort(([a], [b]) => a.localeCompare(b));
  const at = Math.max(...users.map(([, s]) => s.updatedAt));
  const facts = users.map(([id, s]) => profileFacts(toUserProfile(id, s, cfg, at, null), at));
  const top = describeGroups(facts, (i) => run.assignments[i] ?? 0, run.centroids.length, { top: 3 });
  return run.ids.map((id, c) => ({
    id,
    size: run.sizes[c],
    top: (top[c] ?? []).map((t) => `${t.feature} ${t.z > 0 ? '+' : ''}${t.z}`),
  }));
}
