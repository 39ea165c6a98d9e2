import { seededRandom, shuffleInPlace } from '@offerstream/core';
import { hyperplaneLsh, lshBuckets, type HyperplaneLsh } from '@offerstream/feature-store';
import type { InteractionGraph } from '../graph/interaction-graph';
import { randomizedSvd } from '../linalg/randomized-eigen';
import { transposeCsr } from '../sparse/csr-matrix';
import { topK } from '../serving/top-k';
import type { ScoringModel } from './scoring-model';
import { scoreByNeighbours } from './user-knn.recommender';

export interface VectorUserKnnOptions {
  readonly neighbours: number;
  /** Find neighbours through the served random-hyperplane index (else by brute force over every user). */
  readonly lsh?: { readonly tables: number; readonly bits: number; readonly seed: number; readonly probe: number };
}

/**
 * User-kNN as served: each user is the mean of the vectors of the items they touched (the stream processor's
 * incremental user vector, here with equal weights), neighbours are the users of highest cosine between those
 * vectors, found either exactly or through the same LSH tables the feature store keeps (up to `probe` users read
 * per bucket, then ranked by exact cosine). Items are scored by summing the neighbours' similarities.
 */
export class VectorUserKnnRecommender implements ScoringModel {
  readonly name: string;
  readonly numItems: number;
  /** users x dims, each row unit length (zero for a user without items). */
  readonly userVectors: Float32Array;
  private readonly lsh: HyperplaneLsh | null;
  private readonly userBuckets: number[][] = [];
  private readonly buckets: Map<number, number[]>[] = [];

  constructor(
    private readonly graph: InteractionGraph,
    itemVectors: Float32Array,
    readonly dims: number,
    private readonly options: VectorUserKnnOptions,
  ) {
    this.numItems = graph.numItems;
    this.name = options.lsh ? 'user-knn-vector-lsh' : 'user-knn-vector';
    const nu = graph.numUsers;
    this.userVectors = new Float32Array(nu * dims);
    for (let u = 0; u < nu; u++) {
      const off = u * dims;
      for (const i of graph.itemsOf(u))
        for (let d = 0; d < dims; d++)
          this.userVectors[off + d] = (this.userVectors[off + d] ?? 0) + (itemVectors[i * dims + d] ?? 0);
      let n = 0;
      for (let d = 0; d < dims; d++) n += (this.userVectors[off + d] ?? 0) ** 2;
      n = Math.sqrt(n);
      if (n > 0) for (let d = 0; d < dims; d++) this.userVectors[off + d] = (this.userVectors[off + d] ?? 0) / n;
    }
    const o = options.lsh;
    this.lsh = o ? hyperplaneLsh(dims, o.tables, o.bits, o.seed) : null;
    if (this.lsh) {
      for (let t = 0; t < this.lsh.tables; t++) this.buckets.push(new Map());
      for (let u = 0; u < nu; u++) {
        const b = lshBuckets(this.lsh, this.vectorOf(u)) ?? [];
        this.userBuckets.push(b);
        b.forEach((code, t) => {
          const m = this.buckets[t] as Map<number, number[]>;
          const list = m.get(code) ?? [];
          list.push(u);
          m.set(code, list);
        });
      }
      // The served index reads the most recently placed users of a bucket; with no time here, a random order.
      const rng = seededRandom(o?.seed ?? 1);
      for (const m of this.buckets) for (const list of m.values()) shuffleInPlace(list, rng);
    }
  }

  vectorOf(u: number): Float32Array {
    return this.userVectors.subarray(u * this.dims, (u + 1) * this.dims);
  }

  /** The k nearest users of u by cosine of the user vectors, best first. */
  nearest(u: number): { users: Int32Array; sims: Float32Array } {
    const k = this.options.neighbours;
    const candidates = this.lsh ? this.probe(u) : null;
    const pool = candidates ?? Int32Array.from({ length: this.graph.numUsers }, (_, v) => v);
    const sims = new Float32Array(pool.length);
    const q = this.vectorOf(u);
    pool.forEach((v, c) => {
      if (v === u) return void (sims[c] = Number.NEGATIVE_INFINITY);
      const off = v * this.dims;
      let s = 0;
      for (let d = 0; d < this.dims; d++) s += (q[d] ?? 0) * (this.userVectors[off + d] ?? 0);
      sims[c] = s > 0 ? s : Number.NEGATIVE_INFINITY;
    });
    const best = topK(sims, Math.min(k, pool.length));
    return { users: Int32Array.from(best, (c) => pool[c] ?? 0), sims: Float32Array.from(best, (c) => sims[c] ?? 0) };
  }

  private probe(u: number): Int32Array {
    const probe = this.options.lsh?.probe ?? 0;
    const seen = new Set<number>();
    (this.userBuckets[u] ?? []).forEach((code, t) => {
      const list = this.buckets[t]?.get(code) ?? [];
      for (let p = 0; p < Math.min(probe, list.length); p++) seen.add(list[p] ?? 0);
    });
    return Int32Array.from(seen);
  }

  scoreUsers(users: Int32Array, out: Float32Array): void {
    scoreByNeighbours(this, this.graph, users, out);
  }
}

/**
 * Item vectors for a data set without content (Gowalla): the top right singular vectors of the binary user-item
 * matrix, `dims` wide, so that the mean over a user's items is their history projected on the main directions.
 */
export function svdItemVectors(graph: InteractionGraph, dims: number, seed = 1): Float32Array {
  const a = graph.userItems;
  return randomizedSvd(a, transposeCsr(a), { rank: dims, seed }).v;
}
