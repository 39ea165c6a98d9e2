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
