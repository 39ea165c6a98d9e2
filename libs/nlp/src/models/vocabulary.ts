/**
 * Feature string -> id map. Id 0 is padding, so an encoded document can be packed into a rectangular batch.
 * Features are ranked by document frequency (ties by the string) so the same data always gives the same ids.
 */
export class Vocabulary {
  private readonly ids: Map<string, number>;

  constructor(readonly terms: readonly string[]) {
    this.ids = new Map(terms.map((t, i) => [t, i + 1]));
  }

  get size(): number {
    return this.terms.length + 1;
  }

  static build(documents: Iterable<readonly string[]>, maxSize: number, minDf = 1): Vocabulary {
    const df = new Map<string, number>();
    for (const doc of documents) {
      for (const f of new Set(doc)) df.set(f, (df.get(f) ?? 0) + 1);
    }
    const kept = [...df.entries()].filter(([, n]) => n >= minDf);
    kept.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return new Vocabulary(kept.slice(0, maxSize).map(([t]) => t));
  }

  /**
   * Like build, but each group (a language, say) first gets up to its quota of its own most frequent features,
   * then the rest is filled by overall document frequency. Without it a small group (800 English sentences next
   * to 50k Chinese reviews) loses most of its features to the big group's long tail. Ids stay ordered by overall
   * document frequency, so the result is deterministic.
   */
  static buildWithQuotas(
    documents: readonly (readonly string[])[],
    groups: readonly string[],
    quotas: Readonly<Record<string, number>>,
    maxSize: number,
  ): Vocabulary {
    const df = new Map<string, number>();
    const groupDf = new Map<string, Map<string, number>>();
    documents.forEach((doc, i) => {
      const g = groups[i] ?? '';
      let gdf = groupDf.get(g);
      if (!gdf) groupDf.set(g, (gdf = new Map<string, number>()));
      for (const f of new Set(doc)) {
        df.set(f, (df.get(f) ?? 0) + 1);
        gdf.set(f, (gdf.get(f) ?? 0) + 1);
      }
    });
    const byDf = (a: [string, number], b: [string, number]): number =>
      b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
    const chosen = new Set<string>();
    for (const [g, quota] of Object.entries(quotas)) {
      const gdf = groupDf.get(g);
      if (!gdf) continue;
      for (const [t] of [...gdf.entries()].sort(byDf).slice(0, quota)) if (chosen.size < maxSize) chosen.add(t);
    }
    for (const [t] of [...df.entries()].sort(byDf)) {
      if (chosen.size >= maxSize) break;
      chosen.add(t);
    }
    const terms = [...chosen].map((t): [string, number] => [t, df.get(t) ?? 0]).sort(byDf);
    return new Vocabulary(terms.map(([t]) => t));
  }

  id(term: string): number | undefined {
    return this.ids.get(term);
  }

  term(id: number): string | undefined {
    return this.terms[id - 1];
  }

  /** Unique known ids in first-seen order: the models treat a document as a set of features. */
  encode(features: readonly string[]): Int32Array {
    const seen = new Set<number>();
    for (const f of features) {
      const id = this.ids.get(f);
      if (id !== undefined) seen.add(id);
    }
    return Int32Array.from(seen);
  }
}
