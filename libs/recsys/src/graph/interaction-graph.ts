import { ValidationError } from '@offerstream/core';
import { csrFromCoo, transposeCsr, type CsrMatrix } from '../sparse/csr-matrix';

/**
 * The user-item bipartite graph of implicit feedback with dense 0-based indices. Repeated interactions collapse
 * to one edge because the models treat feedback as binary.
 */
export class InteractionGraph {
  /** users x items, binary. */
  readonly userItems: CsrMatrix;
  private itemUsersCache: CsrMatrix | null = null;

  constructor(
    readonly userIds: readonly string[],
    readonly itemIds: readonly string[],
    userItems: CsrMatrix,
  ) {
    if (userItems.rows !== userIds.length || userItems.cols !== itemIds.length) {
      throw new ValidationError('matrix shape does not match id maps', { rows: userItems.rows, users: userIds.length });
    }
    const ones = new Float32Array(userItems.values.length).fill(1);
    this.userItems = { ...userItems, values: ones };
  }

  get numUsers(): number {
    return this.userIds.length;
  }

  get numItems(): number {
    return this.itemIds.length;
  }

  get numEdges(): number {
    return this.userItems.indices.length;
  }

  /** items x users, built lazily because only some models need it. */
  get itemUsers(): CsrMatrix {
    this.itemUsersCache ??= transposeCsr(this.userItems);
    return this.itemUsersCache;
  }

  itemsOf(user: number): Int32Array {
    return this.userItems.indices.subarray(this.userItems.indptr[user] ?? 0, this.userItems.indptr[user + 1] ?? 0);
  }

  itemDegrees(): Float32Array {
    const deg = new Float32Array(this.numItems);
    for (const i of this.userItems.indices) deg[i] = (deg[i] ?? 0) + 1;
    return deg;
  }

  /** From (userId, itemId) string pairs, e.g. an event stream; ids are indexed in first-seen order. */
  static fromPairs(pairs: Iterable<readonly [string, string]>): InteractionGraph {
    const userIndex = new Map<string, number>();
    const itemIndex = new Map<string, number>();
    const rows: number[] = [];
    const cols: number[] = [];
    for (const [u, i] of pairs) {
      let ui = userIndex.get(u);
      if (ui === undefined) {
        ui = userIndex.size;
        userIndex.set(u, ui);
      }
      let ii = itemIndex.get(i);
      if (ii === undefined) {
        ii = itemIndex.size;
        itemIndex.set(i, ii);
      }
      rows.push(ui);
      cols.push(ii);
    }
    const m = csrFromCoo(userIndex.size, itemIndex.size, rows, cols);
    return new InteractionGraph([...userIndex.keys()], [...itemIndex.keys()], m);
  }

  /** From per-user lists of 0-based item indices (the LightGCN file layout); ids become the decimal indices. */
  static fromAdjacency(userLists: readonly (readonly number[])[], numItems: number): InteractionGraph {
    const rows: number[] = [];
    const cols: number[] = [];
    userLists.forEach((items, u) => {
      for (const i of items) {
        rows.push(u);
        cols.push(i);
      }
    });
    const m = csrFromCoo(userLists.length, numItems, rows, cols);
    const userIds = userLists.map((_, u) => String(u));
    const itemIds = Array.from({ length: numItems }, (_, i) => String(i));
    return new InteractionGraph(userIds, itemIds, m);
  }
}
