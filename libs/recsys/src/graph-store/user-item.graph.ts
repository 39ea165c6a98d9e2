import type { InteractionRecord } from './interaction-record';

export interface GraphLimits {
  /** Edges kept per user; beyond it the weakest (decayed weight) goes. */
  readonly maxItemsPerUser: number;
  /** Users kept; beyond it the least recently active goes. */
  readonly maxUsers: number;
  /** Edges whose last interaction is older than this (behind the newest event seen) are dropped. */
  readonly maxAgeSeconds: number;
  /** Half-life of an edge's weight when choosing which edge of a full user to evict. */
  readonly halfLifeSeconds: number;
}

interface Edge {
  weight: number;
  ts: number;
}

/**
 * The bounded in-memory user-item graph of implicit feedback. Users are kept in a Map whose insertion order is
 * their recency (re-inserted on each interaction), so the least recently active user is always first. Time is
 * stream time (the newest event seen), so a replay of old data ages out exactly like the first run did.
 */
export class UserItemGraph {
  private readonly users = new Map<string, Map<string, Edge>>();
  private edgeCount = 0;
  private newest = 0;
  private appliedCount = 0;

  constructor(private readonly limits: GraphLimits) {}

  get numUsers(): number {
    return this.users.size;
  }

  get numEdges(): number {
    return this.edgeCount;
  }

  /** Interactions applied since the graph was created (the trainer compares it with its last snapshot). */
  get applied(): number {
    return this.appliedCount;
  }

  /** Newest event time seen, epoch seconds. */
  get streamTime(): number {
    return this.newest;
  }

  add(r: InteractionRecord): void {
    this.appliedCount++;
    if (r.ts > this.newest) this.newest = r.ts;
    let edges = this.users.get(r.user);
    if (edges === undefined) {
      edges = new Map();
    } else {
      this.users.delete(r.user);
    }
    this.users.set(r.user, edges);
    for (const item of r.items) {
      const e = edges.get(item);
      if (e !== undefined) {
        e.weight += r.weight;
        if (r.ts > e.ts) e.ts = r.ts;
        continue;
      }
      edges.set(item, { weight: r.weight, ts: r.ts });
      this.edgeCount++;
      if (edges.size > this.limits.maxItemsPerUser) this.evictWeakest(edges);
    }
    while (this.users.size > this.limits.maxUsers) {
      const [oldest, its] = this.users.entries().next().value as [string, Map<string, Edge>];
      this.edgeCount -= its.size;
      this.users.delete(oldest);
    }
  }

  /** Every user in the graph, least recently active first. */
  userIds(): IterableIterator<string> {
    return this.users.keys();
  }

  /** Forgets a user (erasure): their edges leave the graph, so no later training sees them. Returns edges removed. */
  remove(user: string): number {
    const edges = this.users.get(user);
    if (edges === undefined) return 0;
    this.users.delete(user);
    this.edgeCount -= edges.size;
    return edges.size;
  }

  /** The user's items, most recent first (empty for an unknown user). */
  itemsOf(user: string): string[] {
    const edges = this.users.get(user);
    if (edges === undefined) return [];
    return [...edges].sort((a, b) => b[1].ts - a[1].ts).map(([item]) => item);
  }

  /** Drops edges older than maxAge behind stream time, and users left without edges. */
  ageOut(): number {
    const cutoff = this.newest - this.limits.maxAgeSeconds;
    let dropped = 0;
    for (const [user, edges] of this.users) {
      for (const [item, e] of edges) {
        if (e.ts < cutoff) {
          edges.delete(item);
          dropped++;
        }
      }
      if (edges.size === 0) this.users.delete(user);
    }
    this.edgeCount -= dropped;
    return dropped;
  }

  /** (user, item) training pairs whose accumulated weight reaches minWeight, after ageing out. */
  pairs(minWeight: number): [string, string][] {
    this.ageOut();
    const out: [string, string][] = [];
    for (const [user, edges] of this.users) {
      for (const [item, e] of edges) if (e.weight >= minWeight) out.push([user, item]);
    }
    return out;
  }

  private evictWeakest(edges: Map<string, Edge>): void {
    let weakest: string | undefined;
    let min = Number.POSITIVE_INFINITY;
    for (const [item, e] of edges) {
      const score = e.weight * 0.5 ** ((this.newest - e.ts) / this.limits.halfLifeSeconds);
      if (score < min) {
        min = score;
        weakest = item;
      }
    }
    if (weakest !== undefined) {
      edges.delete(weakest);
      this.edgeCount--;
    }
  }
}
