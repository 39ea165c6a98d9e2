/**
 * Per-feature, per-class log-likelihoods of a binarized multinomial naive Bayes, centred across classes
 * (for two classes this is half the NBSVM log-count ratio). Used to start the linear path of the neural model
 * at the naive Bayes solution, so training refines NB instead of rediscovering it: this matters on small sets.
 */
export function nbLogCountRatios(
  docs: readonly Int32Array[],
  labels: readonly number[],
  numClasses: number,
  vocabSize: number,
  alpha = 1,
): { ratios: Float32Array; logPrior: Float32Array } {
  const counts = new Float64Array(vocabSize * numClasses);
  const totals = new Float64Array(numClasses);
  const docCount = new Float64Array(numClasses);
  docs.forEach((doc, i) => {
    const c = labels[i] as number;
    docCount[c] = (docCount[c] as number) + 1;
    for (const id of doc) {
      counts[id * numClasses + c] = (counts[id * numClasses + c] as number) + 1;
      totals[c] = (totals[c] as number) + 1;
    }
  });
  const logDenom = totals.map((t) => Math.log(t + alpha * (vocabSize - 1)));
  const ratios = new Float32Array(vocabSize * numClasses);
  for (let f = 1; f < vocabSize; f++) {
    let mean = 0;
    for (let c = 0; c < numClasses; c++) {
      const v = Math.log((counts[f * numClasses + c] as number) + alpha) - (logDenom[c] as number);
      ratios[f * numClasses + c] = v;
      mean += v;
    }
    mean /= numClasses;
    for (let c = 0; c < numClasses; c++) ratios[f * numClasses + c] = (ratios[f * numClasses + c] as number) - mean;
  }
  const logPrior = Float32Array.from(docCount, (n) => Math.log((n + 1) / (docs.length + numClasses)));
  return { ratios, logPrior };
}

/**
 * Naive Bayes is badly over-confident when features are correlated (n-grams overlap), so its log-ratios are
 * shrunk by the factor that minimises log-loss on held-out documents before they seed the linear path.
 */
export function calibrateRatioScale(
  ratios: Float32Array,
  logPrior: Float32Array,
  docs: readonly Int32Array[],
  labels: readonly number[],
): number {
  const k = logPrior.length;
  if (docs.length === 0) return 1;
  const sums = docs.map((doc) => {
    const s = new Float64Array(k);
    for (const id of doc) for (let c = 0; c < k; c++) s[c] = (s[c] as number) + (ratios[id * k + c] as number);
    return s;
  });
  let bestScale = 1;
  let bestLoss = Infinity;
  for (const scale of [0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1]) {
    let loss = 0;
    sums.forEach((s, i) => {
      const logits = Array.from(s, (v, c) => scale * v + (logPrior[c] as number));
      const max = Math.max(...logits);
      const lse = max + Math.log(logits.reduce((a, v) => a + Math.exp(v - max), 0));
      loss += lse - (logits[labels[i] as number] as number);
    });
    if (loss < bestLoss) {
      bestLoss = loss;
      bestScale = scale;
    }
  }
  return bestScale;
}
