/**
 * Multinomial naive Bayes with Laplace smoothing over raw feature counts: the classical text baseline the
 * neural model has to beat, trained on the same split.
 */
export class NaiveBayesModel {
  private constructor(
    readonly labels: readonly string[],
    private readonly logPrior: Float64Array,
    private readonly logLikelihood: Map<string, Float64Array>,
    private readonly logUnknown: Float64Array,
  ) {}

  static train(documents: readonly (readonly string[])[], labels: readonly string[], alpha = 1): NaiveBayesModel {
    const labelSet = [...new Set(labels)].sort();
    const index = new Map(labelSet.map((l, i) => [l, i]));
    const k = labelSet.length;
    const docCount = new Float64Array(k);
    const totals = new Float64Array(k);
    const counts = new Map<string, Float64Array>();
    documents.forEach((doc, i) => {
      const c = index.get(labels[i] as string) as number;
      docCount[c] = (docCount[c] as number) + 1;
      for (const f of doc) {
        let row = counts.get(f);
        if (!row) {
          row = new Float64Array(k);
          counts.set(f, row);
        }
        row[c] = (row[c] as number) + 1;
        totals[c] = (totals[c] as number) + 1;
      }
    });
    const v = counts.size;
    const denom = totals.map((t) => Math.log(t + alpha * v));
    const logLikelihood = new Map<string, Float64Array>();
    for (const [f, row] of counts) {
      logLikelihood.set(
        f,
        row.map((n, c) => Math.log(n + alpha) - (denom[c] as number)),
      );
    }
    const logPrior = docCount.map((n) => Math.log(n / documents.length));
    // Unseen features are skipped at prediction, as in the usual implementations.
    return new NaiveBayesModel(labelSet, logPrior, logLikelihood, new Float64Array(k));
  }

  /** Class probabilities (softmax of the joint log-likelihoods), ordered like `labels`. */
  predictProba(doc: readonly string[]): Float64Array {
    const scores = Float64Array.from(this.logPrior);
    for (const f of doc) {
      const row = this.logLikelihood.get(f) ?? this.logUnknown;
      for (let c = 0; c < scores.length; c++) scores[c] = (scores[c] as number) + (row[c] as number);
    }
    const max = Math.max(...scores);
    let sum = 0;
    for (let c = 0; c < scores.length; c++) {
      scores[c] = Math.exp((scores[c] as number) - max);
      sum += scores[c] as number;
    }
    return scores.map((s) => s / sum);
  }

  predict(doc: readonly string[]): string {
    const p = this.predictProba(doc);
    let best = 0;
    for (let c = 1; c < p.length; c++) if ((p[c] as number) > (p[best] as number)) best = c;
    return this.labels[best] as string;
  }

  /** Per-feature log-likelihood of each class, for NB-initialised or NB-weighted models. */
  featureLogLikelihood(feature: string): Float64Array | undefined {
    return this.logLikelihood.get(feature);
  }
}
