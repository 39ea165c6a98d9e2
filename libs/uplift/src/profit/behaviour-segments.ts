import { SeededRandom, ValidationError } from '@offerstream/core';

/**
 * Latent segments of shoppers found from their behaviour alone (latent class analysis): each segment has its own
 * distribution over every group of range indicators (views in the session, past purchases, ...), the groups
 * independent within a segment. Who an offer moves is a kind of shopper, and a kind shows in several behaviours at
 * once; a model that adds up one effect per range cannot say "few views AND a long history". The posterior
 * P(segment | behaviour) is a compact, bounded summary of that conjunction that each action's logit can weigh.
 */
export interface SegmentModel {
  /** Feature indexes of each group of one-hot range indicators, in the raw context. */
  readonly groups: number[][];
  /** P(segment), largest first. */
  readonly shares: number[];
  /** Per segment, per group, P(range | segment). */
  readonly ranges: number[][][];
}

const RESTARTS = 4;
const MAX_ITERATIONS = 300;
const TOLERANCE = 1e-8;
/** Seed of the EM starts: fixed, so one training log always gives one model. */
const START_SEED = 0x5e9;

/** Index of the active indicator of a group (the first largest, for rows that are not exactly one-hot). */
export function rangeOf(x: readonly number[], group: readonly number[]): number {
  let best = 0;
  for (let l = 1; l < group.length; l++)
    if ((x[group[l] as number] as number) > (x[group[best] as number] as number)) best = l;
  return best;
}

interface Pattern {
  readonly levels: number[];
  readonly count: number;
}

/** Distinct behaviour patterns and how often each occurs: EM then costs the number of patterns, not of rows. */
function patternsOf(contexts: readonly (readonly number[])[], groups: readonly (readonly number[])[]): Pattern[] {
  const counts = new Map<string, { levels: number[]; count: number }>();
  for (const x of contexts) {
    const levels = groups.map((g) => rangeOf(x, g));
    const key = levels.join(',');
    const hit = counts.get(key);
    if (hit) hit.count++;
    else counts.set(key, { levels, count: 1 });
  }
  return [...counts.values()];
}

function logJoint(levels: readonly number[], k: number, logShares: number[], logRanges: number[][][]): number {
  let s = logShares[k] as number;
  levels.forEach((l, g) => (s += logRanges[k]?.[g]?.[l] as number));
  return s;
}

function posteriorOf(levels: readonly number[], logShares: number[], logRanges: number[][][]): number[] {
  const logs = logShares.map((_, k) => logJoint(levels, k, logShares, logRanges));
  const top = Math.max(...logs);
  const ex = logs.map((v) => Math.exp(v - top));
  const sum = ex.reduce((a, b) => a + b, 0);
  return ex.map((v) => v / sum);
}

const logsOf = (m: { shares: number[]; ranges: number[][][] }): [number[], number[][][]] => [
  m.shares.map(Math.log),
  m.ranges.map((gs) => gs.map((ls) => ls.map(Math.log))),
];

/**
 * M step from responsibilities, with one pseudo-count per range and per segment (a Dirichlet prior) so no range is
 * impossible in a segment and an empty segment does not divide by zero.
 */
function maximize(patterns: Pattern[], resp: number[][], k: number, sizes: number[]): SegmentModel {
  const mass = new Array<number>(k).fill(1);
  const ranges = Array.from({ length: k }, () => sizes.map((n) => new Array<number>(n).fill(1)));
  patterns.forEach((pt, i) => {
    for (let c = 0; c < k; c++) {
      const r = (resp[i]?.[c] as number) * pt.count;
      mass[c] = (mass[c] as number) + r;
      pt.levels.forEach((l, g) => {
        const row = ranges[c]?.[g] as number[];
        row[l] = (row[l] as number) + r;
      });
    }
  });
  const total = mass.reduce((a, b) => a + b, 0);
  return {
    groups: [],
    shares: mass.map((m) => m / total),
    ranges: ranges.map((gs) => gs.map((ls) => ls.map((v) => v / ls.reduce((a, b) => a + b, 0)))),
  };
}

function emFit(
  patterns: Pattern[],
  k: number,
  sizes: number[],
  random: SeededRandom,
): { model: SegmentModel; ll: number } {
  let resp = patterns.map(() => {
    const r = Array.from({ length: k }, () => random.next() + 1e-3);
    const s = r.reduce((a, b) => a + b, 0);
    return r.map((v) => v / s);
  });
  let model = maximize(patterns, resp, k, sizes);
  let ll = -Infinity;
  for (let it = 0; it < MAX_ITERATIONS; it++) {
    const [ls, lr] = logsOf(model);
    let next = 0;
    resp = patterns.map((pt) => {
      const logs = ls.map((_, c) => logJoint(pt.levels, c, ls, lr));
      const top = Math.max(...logs);
      const sum = logs.reduce((a, v) => a + Math.exp(v - top), 0);
      next += pt.count * (top + Math.log(sum));
      return logs.map((v) => Math.exp(v - top) / sum);
    });
    model = maximize(patterns, resp, k, sizes);
    if (next - ll < TOLERANCE * Math.abs(next)) {
      ll = next;
      break;
    }
    ll = next;
  }
  return { model, ll };
}

/**
 * Fits 1..maxSegments segments by EM (several starts each, the best likelihood kept) and keeps the count with the
 * lowest BIC (stopping two counts past the best): a segment is added only where the behaviour data show one. Undefined when one segment is best (no
 * structure to add).
 */
export function fitSegments(
  contexts: readonly (readonly number[])[],
  groups: readonly (readonly number[])[],
  maxSegments = 8,
): SegmentModel | undefined {
  if (groups.length === 0 || groups.some((g) => g.length < 2))
    throw new ValidationError('behaviour segments need groups of at least two range indicators', { groups });
  const d = contexts[0]?.length ?? 0;
  if (!groups.every((g) => g.every((j) => Number.isInteger(j) && j >= 0 && j < d)))
    throw new ValidationError('behaviour segment groups must be feature indexes of the context', { groups, d });
  const patterns = patternsOf(contexts, groups);
  const sizes = groups.map((g) => g.length);
  const n = contexts.length;
  const perSegment = 1 + sizes.reduce((a, s) => a + s - 1, 0);
  const random = new SeededRandom(START_SEED);
  let best: { model: SegmentModel; bic: number; k: number } | undefined;
  for (let k = 1; k <= maxSegments; k++) {
    let top: { model: SegmentModel; ll: number } | undefined;
    for (let r = 0; r < (k === 1 ? 1 : RESTARTS); r++) {
      const fit = emFit(patterns, k, sizes, random);
      if (!top || fit.ll > top.ll) top = fit;
    }
    if (!top) continue;
    const bic = -2 * top.ll + (k * perSegment - 1) * Math.log(n);
    if (!best || bic < best.bic) best = { model: top.model, bic, k };
    // Two counts in a row worse than the best: more segments only split noise (and cost time).
    else if (k >= best.k + 2) break;
  }
  if (!best || best.k === 1) return undefined;
  const order = best.model.shares.map((s, k) => [s, k] as const).sort((a, b) => b[0] - a[0]);
  return {
    groups: groups.map((g) => [...g]),
    shares: order.map(([s]) => s),
    ranges: order.map(([, k]) => best.model.ranges[k] as number[][]),
  };
}

/** Log-probabilities per served model: serving asks for posteriors on every decision. */
const servedLogs = new WeakMap<SegmentModel, [number[], number[][][]]>();

/** P(segment | behaviour) of one context. */
export function segmentPosterior(model: SegmentModel, x: readonly number[]): number[] {
  let logs = servedLogs.get(model);
  if (!logs) {
    logs = logsOf(model);
    servedLogs.set(model, logs);
  }
  const [ls, lr] = logs;
  return posteriorOf(
    model.groups.map((g) => rangeOf(x, g)),
    ls,
    lr,
  );
}

/** The context with its segment posteriors appended. */
export function withSegments(x: readonly number[], model: SegmentModel): number[] {
  return [...x, ...segmentPosterior(model, x)];
}
