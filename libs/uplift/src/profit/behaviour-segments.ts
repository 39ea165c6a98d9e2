import { SeededRandom, ValidationError } from '@offerstream/core';
import { ABSENT, emFit, type Pattern } from './segment-em';

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
  /**
   * Per group, whether its features are weights of categories (how much of the shopper's behaviour fell in each,
   * every unit one more draw from the segment's distribution) instead of one-hot ranges. Absent: none is.
   */
  readonly counted?: boolean[];
  /** P(segment), largest first. */
  readonly shares: number[];
  /** Per segment, per group, P(range | segment). */
  readonly ranges: number[][][];
  /** Fitted with responses: how each segment answered each action (fitSegments' responses). */
  readonly response?: SegmentResponseRates;
}

/** Per segment, per action index (0 = no offer): P(purchase), and the (soft) number of logged shoppers behind it. */
export interface SegmentResponseRates {
  readonly rates: number[][];
  readonly counts: number[][];
  /** The actions' names by index, where the caller named them (the conversion model does). */
  readonly actions?: readonly string[];
}

const RESTARTS = 4;
const DEFAULT_MAX_SEGMENTS = 20;
/** Seed of the EM starts: fixed, so one training log always gives one model. */
const START_SEED = 0x5e9;
export { ABSENT, RESPONSE_PRIOR as SEGMENT_RESPONSE_PRIOR } from './segment-em';

/**
 * Index of the active indicator of a group (the first largest, for rows that are not exactly one-hot); ABSENT when no
 * indicator is positive.
 */
export function rangeOf(x: readonly number[], group: readonly number[]): number {
  let best = 0;
  for (let l = 1; l < group.length; l++)
    if ((x[group[l] as number] as number) > (x[group[best] as number] as number)) best = l;
  return (x[group[best] as number] as number) > 0 ? best : ABSENT;
}

/** What a logged shopper did: the action they were shown (an index into the fit's actions) and whether they bought. */
export interface SegmentResponse {
  readonly action: number;
  readonly converted: boolean;
  /**
   * How much this shopper counts toward their segment's rate under the action (default 1): an inverse-propensity
   * weight, so that a rate estimates what the whole segment would do under the action, not only the part of it the
   * logging policy chose to show it to.
   */
  readonly weight?: number;
}

/**
 * Distinct patterns (behaviour, and the response where given) and how often each occurs: EM then costs the number of
 * patterns, not of rows.
 */
function patternsOf(
  contexts: readonly (readonly number[])[],
  groups: readonly (readonly number[])[],
  counted: readonly boolean[],
  responses: readonly SegmentResponse[] | undefined,
): Pattern[] {
  const counts = new Map<string, Observation & { response?: SegmentResponse; count: number }>();
  contexts.forEach((x, i) => {
    const { levels, weights } = observationOf(x, groups, counted);
    const response = responses?.[i];
    const seen = weights ? `${levels.join(',')}/${weights.map((w) => w?.join(' ') ?? '').join(',')}` : levels.join(',');
    const key = response ? `${seen}|${response.action}|${response.converted ? 1 : 0}|${response.weight ?? 1}` : seen;
    const hit = counts.get(key);
    if (hit) hit.count++;
    else counts.set(key, { levels, ...(weights ? { weights } : {}), ...(response ? { response } : {}), count: 1 });
  });
  return [...counts.values()];
}

/** What one context shows of each group: a pattern's behaviour, without the response or the count. */
type Observation = Pick<Pattern, 'levels' | 'weights'>;

/** What one context shows of each group: its active range, or for a counted group its (non-negative) weights. */
function observationOf(
  x: readonly number[],
  groups: readonly (readonly number[])[],
  counted: readonly boolean[],
): Observation {
  const levels = groups.map((g, i) => (counted[i] === true ? ABSENT : rangeOf(x, g)));
  if (!counted.some((c) => c)) return { levels };
  const weights = groups.map((g, i) => (counted[i] === true ? g.map((j) => Math.max(0, x[j] as number)) : undefined));
  return { levels, weights };
}

function logJoint(seen: Observation, k: number, logShares: number[], logRanges: number[][][]): number {
  let s = logShares[k] as number;
  // An absent behaviour says nothing about the segment.
  seen.levels.forEach((l, g) => (s += l === ABSENT ? 0 : (logRanges[k]?.[g]?.[l] as number)));
  seen.weights?.forEach((w, g) => w?.forEach((v, l) => (s += v > 0 ? v * (logRanges[k]?.[g]?.[l] as number) : 0)));
  return s;
}

function posteriorOf(seen: Observation, logShares: number[], logRanges: number[][][]): number[] {
  const logs = logShares.map((_, k) => logJoint(seen, k, logShares, logRanges));
  const top = Math.max(...logs);
  const ex = logs.map((v) => Math.exp(v - top));
  const sum = ex.reduce((a, b) => a + b, 0);
  return ex.map((v) => v / sum);
}

const logsOf = (m: { shares: number[]; ranges: number[][][] }): [number[], number[][][]] => [
  m.shares.map(Math.log),
  m.ranges.map((gs) => gs.map((ls) => ls.map(Math.log))),
];

export interface SegmentFitOptions {
  /** Most segments tried (default 20). */
  readonly maxSegments?: number;
  /** Fit exactly this many (AIC not consulted): a count already chosen on most of the same log. */
  readonly segments?: number;
  /**
   * Per context, the action taken (0 = no offer) and whether the shopper bought. Given, each segment also has a
   * purchase rate per action and the segments are fitted to behaviour and response together (a latent class model
   * of response): kinds of shopper who look alike but answer offers differently part where the log shows it, which
   * behaviour alone cannot do. Serving reads P(segment | behaviour); the rates are kept in `response`.
   */
  readonly responses?: readonly SegmentResponse[];
  /**
   * With responses: pairs of action indexes [smaller dose, larger dose] of one kind of offer (10% and 20% off), the
   * larger first along a chain; the smaller's rate is shrunk toward the midpoint of no offer's and the larger's.
   */
  readonly between?: readonly (readonly [number, number])[];
  /**
   * Seed of the EM's random starts (default fixed, so one log always gives one model). Another seed shows how far the
   * starts alone move a result: a change to the model has to beat that spread before it counts.
   */
  readonly seed?: number;
  /** Per group, whether it is counted (SegmentModel's `counted`). Default none. */
  readonly counted?: readonly boolean[];
}

/**
 * Fits 1..maxSegments segments by EM (several starts each, the best likelihood kept) and keeps the count with the
 * lowest AIC (stopping two counts past the best). AIC, not BIC: the segments are a device for predicting how a
 * shopper answers each action, not a claim about how many kinds of shopper exist, and AIC estimates the held-out
 * likelihood where BIC looks for the true count. BIC charges a segment some thirty parameters times log n, so a small
 * kind that an offer moves (a tenth of the shoppers) stays merged with its neighbours (docs/benchmarks.md). Undefined
 * when one segment is best (no structure to add).
 */
export function fitSegments(
  contexts: readonly (readonly number[])[],
  groups: readonly (readonly number[])[],
  options: SegmentFitOptions = {},
): SegmentModel | undefined {
  if (groups.length === 0 || groups.some((g) => g.length < 2))
    throw new ValidationError('behaviour segments need groups of at least two range indicators', { groups });
  const d = contexts[0]?.length ?? 0;
  if (!groups.every((g) => g.every((j) => Number.isInteger(j) && j >= 0 && j < d)))
    throw new ValidationError('behaviour segment groups must be feature indexes of the context', { groups, d });
  const responses = options.responses;
  if (
    responses &&
    (responses.length !== contexts.length || !responses.every((r) => Number.isInteger(r.action) && r.action >= 0))
  )
    throw new ValidationError('segment responses must give one action index (>= 0) per context', {
      contexts: contexts.length,
      responses: responses.length,
    });
  const actions = responses ? Math.max(0, ...responses.map((r) => r.action)) + 1 : 0;
  const offer = (a: number): boolean => Number.isInteger(a) && a > 0;
  if (!(options.between ?? []).every(([small, large]) => offer(small) && offer(large) && small !== large))
    throw new ValidationError('segment dose pairs must name two different offer actions (indexes > 0)', {
      between: options.between,
    });
  const counted = groups.map((_, i) => options.counted?.[i] === true);
  const patterns = patternsOf(contexts, groups, counted, responses);
  const sizes = groups.map((g) => g.length);
  const perSegment = 1 + sizes.reduce((a, s) => a + s - 1, 0) + actions;
  const random = new SeededRandom(options.seed ?? START_SEED);
  let best: { model: SegmentModel; aic: number; k: number } | undefined;
  const exact = options.segments;
  if (exact !== undefined && !(Number.isInteger(exact) && exact >= 1))
    throw new ValidationError('a fixed segment count must be a positive integer', { segments: exact });
  for (let k = exact ?? 1; k <= (exact ?? options.maxSegments ?? DEFAULT_MAX_SEGMENTS); k++) {
    let top: { model: SegmentModel; ll: number } | undefined;
    for (let r = 0; r < (k === 1 ? 1 : RESTARTS); r++) {
      const fit = emFit(patterns, k, sizes, actions, random, options.between ?? []);
      if (!top || fit.ll > top.ll) top = fit;
    }
    if (!top) continue;
    const aic = -2 * top.ll + 2 * (k * perSegment - 1);
    if (!best || aic < best.aic) best = { model: top.model, aic, k };
    // Two counts in a row worse than the best: more segments only split noise (and cost time).
    else if (k >= best.k + 2) break;
  }
  if (!best || best.k === 1) return undefined;
  const order = best.model.shares.map((s, k) => [s, k] as const).sort((a, b) => b[0] - a[0]);
  const response = best.model.response;
  return {
    groups: groups.map((g) => [...g]),
    ...(counted.some((c) => c) ? { counted } : {}),
    shares: order.map(([s]) => s),
    ranges: order.map(([, k]) => best.model.ranges[k] as number[][]),
    ...(response
      ? {
          response: {
            rates: order.map(([, k]) => response.rates[k] as number[]),
            counts: order.map(([, k]) => response.counts[k] as number[]),
          },
        }
      : {}),
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
  return posteriorOf(observationOf(x, model.groups, model.counted ?? []), ls, lr);
}

/** The context with its segment posteriors appended. */
export function withSegments(x: readonly number[], model: SegmentModel): number[] {
  return [...x, ...segmentPosterior(model, x)];
}
