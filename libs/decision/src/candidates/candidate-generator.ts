import type { Logger } from '@offerstream/core';
import type { CandidateSource, FeatureSource, ScoredItem } from '../features/feature-source.port';

export const CANDIDATE_SOURCES = ['neighbours', 'gnn', 'users', 'content', 'trending', 'request'] as const;
export type CandidateSourceName = (typeof CANDIDATE_SOURCES)[number];

export interface BlendWeights {
  readonly version: string;
  readonly weights: Readonly<Record<CandidateSourceName, number>>;
}

/**
 * Collaborative neighbours first; trending only carries weight when nothing personal is known. Nearest users' items
 * (user-kNN) come in beside item neighbours rather than replacing them: offline on Gowalla exact user-kNN ranked
 * better than item-kNN (docs/benchmarks.md), but the served one finds users by content-vector LSH, which that
 * measurement does not cover, so it starts at a share below the item neighbours'.
 */
export const DEFAULT_BLEND: BlendWeights = {
  version: 'blend@1.1.0',
  weights: { neighbours: 0.4, gnn: 0.3, users: 0.2, content: 0.2, trending: 0.1, request: 0.5 },
};

export interface Candidate {
  readonly itemId: string;
  /** Weighted sum of the per-source normalised scores, in [0, 1]. */
  readonly blendScore: number;
  readonly sources: readonly CandidateSourceName[];
}

export interface CandidateQuery {
  readonly userId: string;
  readonly seeds: readonly string[];
  readonly exclude: ReadonlySet<string>;
  /** Items supplied by the caller (e.g. the page's product list); scored like any other source. */
  readonly requested?: readonly string[];
  readonly k: number;
  /** False when the user refused personalization: no graph candidates for them (popular and requested items only). */
  readonly personalized?: boolean;
}

export interface CandidateSet {
  readonly candidates: Candidate[];
  /** Sources that returned something, with the weight they got after renormalising. */
  readonly used: Partial<Record<CandidateSourceName, number>>;
  readonly coldStart: boolean;
}

/**
 * Gathers candidates from every source at once, normalises each source's scores by its maximum and blends
 * them. Weights are renormalised over the sources that returned items, so a cold-start user (no neighbours,
 * no GNN embedding) is ranked by content and trending at full strength instead of by a fraction of them.
 */
export class CandidateGenerator {
  constructor(
    private readonly features: FeatureSource,
    private readonly gnn: CandidateSource | undefined,
    private readonly blend: BlendWeights = DEFAULT_BLEND,
    private readonly logger?: Logger,
    /** Items of the user's nearest users (user-kNN); optional like the graph source. */
    private readonly users?: CandidateSource,
  ) {}

  get blendVersion(): string {
    return this.blend.version;
  }

  async generate(q: CandidateQuery): Promise<CandidateSet> {
    const perSource = q.k * 2;
    const seeds = q.seeds.slice(0, 20);
    const personal = q.personalized !== false;
    const [neighbours, gnn, users, content, trending] = await Promise.all([
      seeds.length > 0 ? this.safe('neighbours', () => this.features.neighbours(seeds, perSource)) : [],
      this.gnn && personal ? this.safe('gnn', () => (this.gnn as CandidateSource).candidates(q.userId, perSource)) : [],
      this.users && personal
        ? this.safe('users', () => (this.users as CandidateSource).candidates(q.userId, perSource))
        : [],
      seeds.length > 0 ? this.safe('content', () => this.features.contentNeighbours(seeds, perSource)) : [],
      this.safe('trending', () => this.features.trending(perSource)),
    ]);
    const requested: ScoredItem[] = (q.requested ?? []).map((itemId, i, all) => ({
      itemId,
      score: 1 - i / (all.length + 1),
    }));
    const lists: [CandidateSourceName, ScoredItem[]][] = [
      ['neighbours', neighbours],
      ['gnn', gnn],
      ['users', users],
      ['content', content],
      ['trending', trending],
      ['request', requested],
    ];
    const active = lists.filter(([, l]) => l.some((s) => !q.exclude.has(s.itemId)));
    const total = active.reduce((s, [name]) => s + this.blend.weights[name], 0);
    const used: Partial<Record<CandidateSourceName, number>> = {};
    const acc = new Map<string, { score: number; sources: CandidateSourceName[] }>();
    for (const [name, list] of active) {
      const w = total > 0 ? this.blend.weights[name] / total : 0;
      used[name] = w;
      const max = Math.max(...list.map((s) => s.score), 1e-12);
      for (const s of list) {
        if (q.exclude.has(s.itemId) || !(s.score > 0)) continue;
        const e = acc.get(s.itemId) ?? { score: 0, sources: [] };
        e.score += (w * s.score) / max;
        e.sources.push(name);
        acc.set(s.itemId, e);
      }
    }
    const candidates = [...acc]
      .map(([itemId, e]) => ({ itemId, blendScore: Math.min(1, e.score), sources: e.sources }))
      .sort((a, b) => b.blendScore - a.blendScore || a.itemId.localeCompare(b.itemId))
      .slice(0, q.k);
    const coldStart = used.neighbours === undefined && used.gnn === undefined && used.users === undefined;
    return { candidates, used, coldStart };
  }

  private async safe(name: string, f: () => Promise<ScoredItem[]>): Promise<ScoredItem[]> {
    try {
      return await f();
    } catch (e) {
      // An optional signal must never fail a decision; the blend renormalises without it.
      this.logger?.warn('candidate source failed; deciding without it', { source: name, error: e });
      return [];
    }
  }
}
