export interface ClassificationMetrics {
  readonly accuracy: number;
  readonly macro_f1: number;
  readonly per_class_f1: Record<string, number>;
}

/** Accuracy and macro-averaged F1 (each class's F1 weighted equally, so minority classes count). */
export function classificationMetrics(
  truth: readonly string[],
  predicted: readonly string[],
  labels: readonly string[] = [...new Set(truth)].sort(),
): ClassificationMetrics {
  let correct = 0;
  const tp = new Map<string, number>();
  const fp = new Map<string, number>();
  const fn = new Map<string, number>();
  truth.forEach((t, i) => {
    const p = predicted[i] as string;
    if (t === p) {
      correct++;
      tp.set(t, (tp.get(t) ?? 0) + 1);
    } else {
      fp.set(p, (fp.get(p) ?? 0) + 1);
      fn.set(t, (fn.get(t) ?? 0) + 1);
    }
  });
  const perClass: Record<string, number> = {};
  for (const label of labels) {
    const a = tp.get(label) ?? 0;
    const denom = 2 * a + (fp.get(label) ?? 0) + (fn.get(label) ?? 0);
    perClass[label] = denom === 0 ? 0 : (2 * a) / denom;
  }
  const f1s = Object.values(perClass);
  return {
    accuracy: truth.length === 0 ? 0 : correct / truth.length,
    macro_f1: f1s.length === 0 ? 0 : f1s.reduce((s, v) => s + v, 0) / f1s.length,
    per_class_f1: perClass,
  };
}
