import type { SeededRandom } from '@offerstream/core';
import type { SegmentModel, SegmentResponse, SegmentResponseRates } from './behaviour-segments';

/** Level of a group whose behaviour was not observed (a ranged feature absent at zero): no indicator is set. */
export const ABSENT = -1;

const MAX_ITERATIONS = 300;
/** Relative change of the log-likelihood at which EM stops: a hundredth of a nat per 10,000 shoppers. */
const TOLERANCE = 1e-6;
/** Pseudo-shoppers per segment and offer who behave as under no offer (the neutral prior on an offer's effect). */
export const RESPONSE_PRIOR = 10;

/** Distinct behaviour (and response) of logged shoppers, and how many showed it. */
export interface Pattern {
  /** Per group, the active range; ABSENT where the behaviour was not observed or the group is counted. */
  readonly levels: number[];
  /**
   * Per counted group (undefined for the others), how much of the shopper's behaviour fell in each category (the
   * items they touched per price band, weighted): each unit is one more draw from the segment's distribution.
   */
  readonly weights?: readonly (readonly number[] | undefined)[];
  readonly response?: SegmentResponse;
  readonly count: number;
}

/**
 * The EM's state in flat typed arrays, the segment index outermost: with ranges cut finely there are about as many
 * patterns as shoppers and some fifteen segments to try, and nested arrays made a fit take minutes.
 */
interface Layout {
  readonly k: number;
  readonly patterns: readonly Pattern[];
  /**
   * The patterns' observations as a sparse matrix over all groups' ranges (compressed rows): pattern i's cells are
   * at[start[i]..start[i + 1]), each with its weight (1 for a range group's active range).
   */
  readonly start: Int32Array;
  readonly at: Int32Array;
  readonly weight: Float64Array;
  readonly sizes: readonly number[];
  readonly width: number;
  readonly actions: number;
}

function layoutOf(patterns: readonly Pattern[], k: number, sizes: readonly number[], actions: number): Layout {
  const offsets: number[] = [];
  let width = 0;
  for (const s of sizes) {
    offsets.push(width);
    width += s;
  }
  const at: number[] = [];
  const weight: number[] = [];
  const start = new Int32Array(patterns.length + 1);
  patterns.forEach((p, i) => {
    start[i] = at.length;
    sizes.forEach((_, g) => {
      const base = offsets[g] as number;
      const counted = p.weights?.[g];
      if (counted)
        counted.forEach((v, l) => {
          if (!(v > 0)) return;
          at.push(base + l);
          weight.push(v);
        });
      else if (p.levels[g] !== ABSENT) {
        at.push(base + (p.levels[g] as number));
        weight.push(1);
      }
    });
  });
  start[patterns.length] = at.length;
  return { k, patterns, start, at: Int32Array.from(at), weight: Float64Array.from(weight), sizes, width, actions };
}

/**
 * Purchase rates per segment and action from responsibilities. An offer's rate is shrunk toward the segment's own
 * no-offer rate by RESPONSE_PRIOR pseudo-shoppers (action 0 is no offer): with no evidence an offer changes nothing,
 * so segments part by how offers move them only where the log shows it. An action in `between` ([smaller, larger]
 * dose, larger first along a chain) is shrunk instead toward the midpoint of no offer's rate and the larger dose's:
 * a smaller discount moves a shopper part of the way a larger one does, so an arm that exploration starves once the
 * larger looks better is not left at "changes nothing" by default.
 */
function responseRates(
  L: Layout,
  resp: Float64Array,
  between: readonly (readonly [number, number])[],
): SegmentResponseRates {
  const { k, actions } = L;
  const bought = Array.from({ length: k }, () => new Array<number>(actions).fill(0));
  const seen = Array.from({ length: k }, () => new Array<number>(actions).fill(0));
  L.patterns.forEach((pt, i) => {
    if (!pt.response) return;
    const a = pt.response.action;
    const w = pt.count * (pt.response.weight ?? 1);
    for (let c = 0; c < k; c++) {
      const r = (resp[i * k + c] as number) * w;
      (seen[c] as number[])[a] = ((seen[c] as number[])[a] as number) + r;
      if (pt.response.converted) (bought[c] as number[])[a] = ((bought[c] as number[])[a] as number) + r;
    }
  });
  const rates = bought.map((b, c) => {
    const n = seen[c] as number[];
    const none = ((b[0] as number) + 0.5) / ((n[0] as number) + 1);
    const r = b.map((v, a) => (a === 0 ? none : (v + RESPONSE_PRIOR * none) / ((n[a] as number) + RESPONSE_PRIOR)));
    for (const [small, large] of between) {
      const prior = (none + (r[large] as number)) / 2;
      r[small] = ((b[small] as number) + RESPONSE_PRIOR * prior) / ((n[small] as number) + RESPONSE_PRIOR);
    }
    return r;
  });
  return { rates, counts: seen };
}

/**
 * M step from responsibilities, with one pseudo-count per range and per segment (a Dirichlet prior) so no range is
 * impossible in a segment and an empty segment does not divide by zero. Returns P(segment) and, per segment, the
 * flat P(range | segment) of every group.
 */
function maximize(L: Layout, resp: Float64Array): { shares: Float64Array; ranges: Float64Array } {
  const { k, width } = L;
  const mass = new Float64Array(k).fill(1);
  const ranges = new Float64Array(k * width).fill(1);
  L.patterns.forEach((pt, i) => {
    for (let c = 0; c < k; c++) {
      const r = (resp[i * k + c] as number) * pt.count;
      mass[c] = (mass[c] as number) + r;
      for (let e = L.start[i] as number; e < (L.start[i + 1] as number); e++) {
        const j = c * width + (L.at[e] as number);
        ranges[j] = (ranges[j] as number) + r * (L.weight[e] as number);
      }
    }
  });
  let total = 0;
  for (let c = 0; c < k; c++) total += mass[c] as number;
  const shares = mass.map((m) => m / total);
  for (let c = 0; c < k; c++) {
    let start = c * width;
    for (const size of L.sizes) {
      let sum = 0;
      for (let l = 0; l < size; l++) sum += ranges[start + l] as number;
      for (let l = 0; l < size; l++) ranges[start + l] = (ranges[start + l] as number) / sum;
      start += size;
    }
  }
  return { shares, ranges };
}

/** The nested model serving reads, from the flat one. */
function modelOf(L: Layout, flat: { shares: Float64Array; ranges: Float64Array }): SegmentModel {
  const ranges = Array.from({ length: L.k }, (_, c) => {
    let start = c * L.width;
    return L.sizes.map((size) => {
      const row = Array.from(flat.ranges.subarray(start, start + size));
      start += size;
      return row;
    });
  });
  return { groups: [], shares: Array.from(flat.shares), ranges };
}

/**
 * One EM fit of k segments from random responsibilities: behaviour and, where patterns carry one, the response
 * (latent class analysis). Returns the model and its log-likelihood.
 */
export function emFit(
  patterns: readonly Pattern[],
  k: number,
  sizes: readonly number[],
  actions: number,
  random: SeededRandom,
  between: readonly (readonly [number, number])[],
): { model: SegmentModel; ll: number } {
  const L = layoutOf(patterns, k, sizes, actions);
  let resp = new Float64Array(patterns.length * k);
  for (let i = 0; i < patterns.length; i++) {
    let s = 0;
    for (let c = 0; c < k; c++) s += resp[i * k + c] = random.next() + 1e-3;
    for (let c = 0; c < k; c++) resp[i * k + c] = (resp[i * k + c] as number) / s;
  }
  let flat = maximize(L, resp);
  let response = actions > 0 ? responseRates(L, resp, between) : undefined;
  let ll = -Infinity;
  const logs = new Float64Array(k);
  for (let it = 0; it < MAX_ITERATIONS; it++) {
    const logShares = flat.shares.map(Math.log);
    const logRanges = flat.ranges.map(Math.log);
    // log P(bought or not | segment, action), indexed [segment][action * 2 + bought].
    const logResponse = response?.rates.map((byAction) => byAction.flatMap((r) => [Math.log(1 - r), Math.log(r)]));
    let next = 0;
    const fresh = new Float64Array(patterns.length * k);
    patterns.forEach((pt, i) => {
      let top = -Infinity;
      for (let c = 0; c < k; c++) {
        let s = logShares[c] as number;
        for (let e = L.start[i] as number; e < (L.start[i + 1] as number); e++)
          s += (L.weight[e] as number) * (logRanges[c * L.width + (L.at[e] as number)] as number);
        if (pt.response && logResponse)
          s += logResponse[c]?.[pt.response.action * 2 + (pt.response.converted ? 1 : 0)] as number;
        logs[c] = s;
        if (s > top) top = s;
      }
      let sum = 0;
      for (let c = 0; c < k; c++) sum += Math.exp((logs[c] as number) - top);
      next += pt.count * (top + Math.log(sum));
      for (let c = 0; c < k; c++) fresh[i * k + c] = Math.exp((logs[c] as number) - top) / sum;
    });
    resp = fresh;
    flat = maximize(L, resp);
    if (actions > 0) response = responseRates(L, resp, between);
    if (next - ll < TOLERANCE * Math.abs(next)) {
      ll = next;
      break;
    }
    ll = next;
  }
  const model = modelOf(L, flat);
  return { model: response ? { ...model, response } : model, ll };
}
