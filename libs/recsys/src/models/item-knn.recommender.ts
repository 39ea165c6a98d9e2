import type { InteractionGraph } from '../graph/interaction-graph';
import { topK } from '../serving/top-k';
import type { ScoringModel } from './scoring-model';

export interface ItemKnnOptions {
  /** Neighbours kept per item. */
  readonly neighbours?: number;
}

/**
 * Item-kNN over co-occurrence: cosine(i, j) = |U(i) ∩ U(j)| / sqrt(|U(i)| |U(j)|), keeping the top-K neighbours of
 * each item as a sparse list; a user's score for j sums the similarities from the items they interacted with.
 */
export class ItemKnnRecommender implements ScoringModel {
  readonly name = 'item-knn';
  readonly numItems: number;
  readonly neighbourPtr: Int32Array;
  readonly neighbourIdx: Int32Array;
  readonly neighbourSim: Float32Array;

  constructor(
    private readonly graph: InteractionGraph,
    options: ItemKnnOptions = {},
  ) {
    const k = options.neighbours ?? 200;
    const n = graph.numItems;
    this.numItems = n;
    const deg = graph.itemDegrees();
    const iu = graph.itemUsers;
    const ui = graph.userItems;
    const co = new Float32Array(n);
    const touched = new Int32Array(n);
    const ptr = new Int32Array(n + 1);
    const idxParts: Int32Array[] = [];
    const simParts: Float32Array[] = [];
    for (let i = 0; i < n; i++) {
      let t = 0;
      for (let a = iu.indptr[i] ?? 0; a < (iu.indptr[i + 1] ?? 0); a++) {
        const u = iu.indices[a] ?? 0;
        for (let b = ui.indptr[u] ?? 0; b < (ui.indptr[u + 1] ?? 0); b++) {
          const j = ui.indices[b] ?? 0;
          if (j === i) continue;
          if (co[j] === 0) touched[t++] = j;
          co[j] = (co[j] ?? 0) + 1;
        }
      }
      const cand = new Float32Array(t);
      const di = deg[i] ?? 1;
      for (let c = 0; c < t; c++) {
        const j = touched[c] ?? 0;
        cand[c] = (co[j] ?? 0) / Math.sqrt(di * (deg[j] ?? 1));
      }
      const best = topK(cand, Math.min(k, t));
      const idx = new Int32Array(best.length);
      const sim = new Float32Array(best.length);
      best.forEach((c, p) => {
        idx[p] = touched[c] ?? 0;
        sim[p] = cand[c] ?? 0;
      });
      for (let c = 0; c < t; c++) co[touched[c] ?? 0] = 0;
      idxParts.push(idx);
      simParts.push(sim);
      ptr[i + 1] = (ptr[i] ?? 0) + idx.length;
    }
    this.neighbourPtr = ptr;
    this.neighbourIdx = new Int32Array(ptr[n] ?? 0);
    this.neighbourSim = new Float32Array(ptr[n] ?? 0);
    idxParts.forEach((p, i) => this.neighbourIdx.set(p, ptr[i] ?? 0));
    simParts.forEach((p, i) => this.neighbourSim.set(p, ptr[i] ?? 0));
  }

  scoreUsers(users: Int32Array, out: Float32Array): void {
    out.fill(0, 0, users.length * this.numItems);
    for (let b = 0; b < users.length; b++) this.scoreItems(this.graph.itemsOf(users[b] ?? 0), out, b * this.numItems);
  }

  /** Scores for an arbitrary item history (fold-in of a new user). */
  scoreItems(items: ArrayLike<number>, out: Float32Array, offset = 0): void {
    for (let a = 0; a < items.length; a++) {
      const i = items[a] ?? 0;
      for (let p = this.neighbourPtr[i] ?? 0; p < (this.neighbourPtr[i + 1] ?? 0); p++) {
        const j = offset + (this.neighbourIdx[p] ?? 0);
        out[j] = (out[j] ?? 0) + (this.neighbourSim[p] ?? 0);
      }
    }
  }
}
