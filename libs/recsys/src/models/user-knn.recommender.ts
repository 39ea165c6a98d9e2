import type { InteractionGraph } from '../graph/interaction-graph';
import { topK } from '../serving/top-k';
import type { ScoringModel } from './scoring-model';

export interface UserKnnOptions {
  /** Nearest users whose items are scored. */
  readonly neighbours?: number;
}

/**
 * User-based CF (Resnick et al.): cosine(u, v) = |I(u) ∩ I(v)| / sqrt(|I(u)| |I(v)|) over binary histories; the score
 * of item j for u sums the similarities of u's k nearest users who have j. Neighbours are found per scored user
 * (only the users being ranked pay for them), through the item -> users lists, so the cost follows the overlaps.
 */
export class UserKnnRecommender implements ScoringModel {
  readonly name = 'user-knn';
  readonly numItems: number;
  private readonly k: number;
  private readonly userDeg: Float32Array;
  private readonly co: Float32Array;
  private readonly touched: Int32Array;

  constructor(
    private readonly graph: InteractionGraph,
    options: UserKnnOptions = {},
  ) {
    this.k = options.neighbours ?? 100;
    this.numItems = graph.numItems;
    this.userDeg = new Float32Array(graph.numUsers);
    for (let u = 0; u < graph.numUsers; u++) this.userDeg[u] = graph.itemsOf(u).length;
    this.co = new Float32Array(graph.numUsers);
    this.touched = new Int32Array(graph.numUsers);
  }

  /** The k nearest users of u with their cosine, best first. */
  nearest(u: number): { users: Int32Array; sims: Float32Array } {
    const iu = this.graph.itemUsers;
    const { co, touched } = this;
    let t = 0;
    for (const i of this.graph.itemsOf(u)) {
      for (let a = iu.indptr[i] ?? 0; a < (iu.indptr[i + 1] ?? 0); a++) {
        const v = iu.indices[a] ?? 0;
        if (v === u) continue;
        if (co[v] === 0) touched[t++] = v;
        co[v] = (co[v] ?? 0) + 1;
      }
    }
    const cand = new Float32Array(t);
    const du = this.userDeg[u] ?? 1;
    for (let c = 0; c < t; c++) {
      const v = touched[c] ?? 0;
      cand[c] = (co[v] ?? 0) / Math.sqrt(du * (this.userDeg[v] ?? 1));
    }
    const best = topK(cand, Math.min(this.k, t));
    const users = new Int32Array(best.length);
    const sims = new Float32Array(best.length);
    best.forEach((c, p) => {
      users[p] = touched[c] ?? 0;
      sims[p] = cand[c] ?? 0;
    });
    for (let c = 0; c < t; c++) co[touched[c] ?? 0] = 0;
    return { users, sims };
  }

  scoreUsers(users: Int32Array, out: Float32Array): void {
    scoreByNeighbours(this, this.graph, users, out);
  }
}

/**
 * Scores items for a batch of users by their neighbours: each neighbour adds its similarity to every item it touched
 * (shared by the user-kNN variants, which differ only in how they find neighbours).
 */
export function scoreByNeighbours(
  model: { readonly numItems: number; nearest(u: number): { users: Int32Array; sims: Float32Array } },
  graph: InteractionGraph,
  users: Int32Array,
  out: Float32Array,
): void {
  out.fill(0, 0, users.length * model.numItems);
  for (let b = 0; b < users.length; b++) {
    const off = b * model.numItems;
    const { users: nb, sims } = model.nearest(users[b] ?? 0);
    for (let p = 0; p < nb.length; p++) {
      const s = sims[p] ?? 0;
      for (const j of graph.itemsOf(nb[p] ?? 0)) out[off + j] = (out[off + j] ?? 0) + s;
    }
  }
}
