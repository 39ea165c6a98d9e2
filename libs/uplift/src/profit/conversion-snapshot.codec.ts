import { ValidationError } from '@offerstream/core';
import { CONVERSION_MODEL_VERSION, type ConversionModelSnapshot } from './conversion-model';
import type { OfferSupport } from './offer-support';
import type { SegmentModel, SegmentResponseRates } from './behaviour-segments';
import { rangedWidth, type RangedFeature } from './ranged-features';
import type { RangeOffsets } from './range-offsets';
import type { ConversionFit } from './penalized-logit';
import { CONTROL_ACTION } from './reward-model';

function numbers(v: unknown, length: number, what: string): number[] {
  if (!Array.isArray(v) || v.length !== length || !v.every((x) => typeof x === 'number' && Number.isFinite(x)))
    throw new ValidationError(`conversion model ${what} must be ${length} finite numbers`);
  return v as number[];
}

/** A JSON object (not null, not a primitive). */
function isObject(v: unknown): v is object {
  return v !== null && typeof v === 'object';
}

function optionalNumber(v: unknown, what: string): number | undefined {
  return v === undefined ? undefined : numbers([v], 1, what)[0];
}

/**
 * Loads a stored snapshot (object or JSON text), checking its version and every array's shape: q coefficients per
 * action, q = 1 + features + baseline bins (edges + 1, or 0 without edges).
 */
export function conversionModelFromJSON(json: unknown): ConversionModelSnapshot {
  const o = (typeof json === 'string' ? JSON.parse(json) : json) as Partial<
    Record<keyof ConversionModelSnapshot, unknown>
  > | null;
  if (!isObject(o)) throw new ValidationError('conversion model snapshot must be an object');
  if (o.version !== CONVERSION_MODEL_VERSION)
    throw new ValidationError(`conversion model version ${String(o.version)} is not ${CONVERSION_MODEL_VERSION}`);
  const d = Array.isArray(o.featureMean) ? o.featureMean.length : -1;
  const [lambda, offerLambda, maxWeight, extraPerPurchase] = numbers(
    [o.lambda, o.offerLambda, o.maxWeight, o.extraPerPurchase],
    4,
    'lambda, offerLambda, maxWeight and extraPerPurchase',
  ) as [number, number, number, number];
  const edges =
    o.baselineEdges === undefined
      ? []
      : numbers(o.baselineEdges, Array.isArray(o.baselineEdges) ? o.baselineEdges.length : -1, 'baselineEdges');
  const q = d + 1 + (edges.length > 0 ? edges.length + 1 : 0);
  if (!isObject(o.actions)) throw new ValidationError('conversion model actions must be an object');
  const actions: Record<string, ConversionFit> = {};
  for (const [action, raw] of Object.entries(
    o.actions as Record<string, Partial<Record<keyof ConversionFit, unknown>>>,
  )) {
    const [n, conversions] = numbers([raw.n, raw.conversions], 2, `${action} n and conversions`) as [number, number];
    actions[action] = {
      n,
      conversions,
      coefficients: numbers(raw.coefficients, q, `${action} coefficients`),
      covariance: numbers(raw.covariance, q ** 2, `${action} covariance`),
    };
  }
  if (!actions[CONTROL_ACTION]) throw new ValidationError(`conversion model has no ${CONTROL_ACTION} action`);
  let noneLinks: Record<string, number[]> | undefined;
  if (o.noneLinks !== undefined) {
    if (!isObject(o.noneLinks)) throw new ValidationError('conversion model noneLinks must be an object');
    noneLinks = {};
    for (const [action, raw] of Object.entries(o.noneLinks as Record<string, unknown>)) {
      if (!actions[action]) throw new ValidationError(`conversion model noneLinks has unknown action ${action}`);
      noneLinks[action] = numbers(raw, q ** 2, `${action} noneLink`);
    }
  }
  const support = o.support === undefined ? undefined : supportFromJSON(o.support, actions);
  const segments = o.segments === undefined ? undefined : segmentsFromJSON(o.segments);
  const interactions =
    o.interactions === undefined ? undefined : pairsFromJSON(o.interactions, d - (segments?.shares.length ?? 0));
  const raw = d - (segments?.shares.length ?? 0) - (interactions?.length ?? 0);
  if (segments && !segments.groups.every((g) => g.every((j) => j < raw)))
    throw new ValidationError(`conversion model segment groups must index the ${raw} raw features`);
  const rangeOffsets = o.rangeOffsets === undefined ? undefined : rangeOffsetsFromJSON(o.rangeOffsets, actions, raw);
  const rangedFeatures = o.rangedFeatures === undefined ? undefined : rangedFromJSON(o.rangedFeatures, raw);
  const poolLambda = optionalNumber(o.poolLambda, 'poolLambda');
  const weakShrinkage = optionalNumber(o.weakShrinkage, 'weakShrinkage');
  const bag = o.members === undefined ? undefined : bagFromJSON(o.members, o.bagShare);
  return {
    version: CONVERSION_MODEL_VERSION,
    lambda,
    offerLambda,
    ...(poolLambda === undefined ? {} : { poolLambda }),
    ...(weakShrinkage === undefined ? {} : { weakShrinkage }),
    ...(edges.length > 0 ? { baselineEdges: edges } : {}),
    maxWeight,
    featureMean: numbers(o.featureMean, d, 'featureMean'),
    featureScale: numbers(o.featureScale, d, 'featureScale'),
    extraPerPurchase,
    actions,
    ...(noneLinks ? { noneLinks } : {}),
    ...(support ? { support } : {}),
    ...(interactions ? { interactions } : {}),
    ...(segments ? { segments } : {}),
    ...(rangeOffsets ? { rangeOffsets } : {}),
    ...(rangedFeatures ? { rangedFeatures } : {}),
    ...(bag ?? {}),
  };
}

/** A bag's members: two or more snapshots, each valid on its own and with no members of its own, and their share. */
function bagFromJSON(v: unknown, share: unknown): { members: ConversionModelSnapshot[]; bagShare: number } {
  if (!Array.isArray(v) || v.length < 2)
    throw new ValidationError('conversion model members must be an array of two or more snapshots');
  const members = v.map((m: unknown, i) => {
    if (isObject(m) && 'members' in m) throw new ValidationError(`conversion model member ${i} must not have members`);
    return conversionModelFromJSON(m);
  });
  const [bagShare] = numbers([share], 1, 'bagShare') as [number];
  if (!(bagShare > 0 && bagShare <= 1)) throw new ValidationError('conversion model bagShare must be in (0, 1]');
  return { members, bagShare };
}

/** Ranged features: each indexes the context before the indicators, with increasing edges; they fill its end. */
function rangedFromJSON(v: unknown, raw: number): RangedFeature[] {
  if (!Array.isArray(v)) throw new ValidationError('conversion model rangedFeatures must be an array');
  const ranged = v.map((r: unknown, i) => {
    const o = r as Partial<Record<keyof RangedFeature, unknown>> | null;
    if (!isObject(o)) throw new ValidationError(`conversion model ranged feature ${i} must be an object`);
    const [feature] = numbers([o.feature], 1, `ranged feature ${i} index`) as [number];
    const edges = numbers(o.edges, Array.isArray(o.edges) ? o.edges.length : -1, `ranged feature ${i} edges`);
    if (!edges.every((e, k) => k === 0 || e > (edges[k - 1] as number)))
      throw new ValidationError(`conversion model ranged feature ${i} edges must increase`);
    if (o.absentAtZero !== undefined && typeof o.absentAtZero !== 'boolean')
      throw new ValidationError(`conversion model ranged feature ${i} absentAtZero must be a boolean`);
    return { feature, edges, ...(o.absentAtZero === true ? { absentAtZero: true } : {}) };
  });
  const context = raw - rangedWidth(ranged);
  if (!ranged.every((r) => Number.isInteger(r.feature) && r.feature >= 0 && r.feature < context))
    throw new ValidationError(`conversion model ranged features must index the ${context} context features`);
  return ranged;
}

/**
 * Range offsets: groups of raw feature indexes, a positive strength, a finite offset per combination and known action.
 */
function rangeOffsetsFromJSON(v: unknown, actions: Readonly<Record<string, unknown>>, raw: number): RangeOffsets {
  const o = v as Partial<Record<keyof RangeOffsets, unknown>> | null;
  if (!isObject(o) || !Array.isArray(o.groups) || !isObject(o.offsets))
    throw new ValidationError('conversion model rangeOffsets must have groups, strength and offsets');
  const groups = o.groups.map((g, i) => {
    const idx = numbers(g, Array.isArray(g) ? g.length : -1, `range offset group ${i}`);
    if (!idx.every((j) => Number.isInteger(j) && j >= 0 && j < raw))
      throw new ValidationError(`conversion model range offset group ${i} must index the ${raw} raw features`);
    return idx;
  });
  const [strength] = numbers([o.strength], 1, 'rangeOffsets strength') as [number];
  if (!(strength > 0)) throw new ValidationError('conversion model rangeOffsets strength must be > 0');
  const offsets: Record<string, Record<string, number>> = {};
  for (const [combination, perAction] of Object.entries(o.offsets as Record<string, unknown>)) {
    if (!isObject(perAction))
      throw new ValidationError(`conversion model range offsets of ${combination} must be an object`);
    const row: Record<string, number> = {};
    for (const [action, value] of Object.entries(perAction as Record<string, unknown>)) {
      if (!actions[action]) throw new ValidationError(`conversion model range offsets have unknown action ${action}`);
      row[action] = numbers([value], 1, `range offset ${combination}`)[0] as number;
    }
    offsets[combination] = row;
  }
  return { groups, strength, offsets };
}

/** Behaviour segments: every share and range distribution a probability vector, one per segment and group. */
function segmentsFromJSON(v: unknown): SegmentModel {
  const o = v as Partial<Record<keyof SegmentModel, unknown>> | null;
  if (!isObject(o) || !Array.isArray(o.groups) || !Array.isArray(o.shares))
    throw new ValidationError('conversion model segments must have groups, shares and ranges');
  const groups = o.groups.map((g, i) => {
    const idx = numbers(g, Array.isArray(g) ? g.length : -1, `segment group ${i}`);
    if (idx.length < 2 || !idx.every((j) => Number.isInteger(j) && j >= 0))
      throw new ValidationError(`conversion model segment group ${i} must be two or more feature indexes`);
    return idx;
  });
  const k = o.shares.length;
  const shares = numbers(o.shares, k, 'segment shares');
  if (!Array.isArray(o.ranges) || o.ranges.length !== k)
    throw new ValidationError(`conversion model segments need ranges for each of ${k} segments`);
  const ranges = o.ranges.map((perGroup: unknown, c) => {
    if (!Array.isArray(perGroup) || perGroup.length !== groups.length)
      throw new ValidationError(`conversion model segment ${c} needs ranges for each of ${groups.length} groups`);
    return perGroup.map((r, g) => numbers(r, groups[g]?.length ?? -1, `segment ${c} group ${g} ranges`));
  });
  const isDistribution = (p: number[]): boolean =>
    p.every((x) => x > 0) && Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-6;
  if (!isDistribution(shares) || !ranges.every((gs) => gs.every(isDistribution)))
    throw new ValidationError('conversion model segment shares and ranges must be positive and sum to 1');
  const counted = o.counted;
  const isFlags = (c: unknown): c is boolean[] =>
    Array.isArray(c) && c.length === groups.length && c.every((f) => typeof f === 'boolean');
  if (counted !== undefined && !isFlags(counted))
    throw new ValidationError('conversion model segments counted must be one boolean per group');
  return {
    groups,
    ...(counted !== undefined ? { counted } : {}),
    shares,
    ranges,
    ...(o.response === undefined ? {} : { response: responseFromJSON(o.response, k) }),
  };
}

/** Segment responses: per segment a rate in (0, 1) and a count >= 0 for each named action, no offer first. */
function responseFromJSON(v: unknown, k: number): SegmentResponseRates {
  const o = v as Partial<Record<keyof SegmentResponseRates, unknown>> | null;
  if (!isObject(o) || !Array.isArray(o.actions) || !Array.isArray(o.rates) || !Array.isArray(o.counts))
    throw new ValidationError('conversion model segment responses must have actions, rates and counts');
  const actions = o.actions.map((a) => {
    if (typeof a !== 'string') throw new ValidationError('conversion model segment response actions must be names');
    return a;
  });
  if (actions[0] !== CONTROL_ACTION)
    throw new ValidationError(`conversion model segment responses must start with ${CONTROL_ACTION}`);
  if (o.rates.length !== k || o.counts.length !== k)
    throw new ValidationError(`conversion model segment responses need rates and counts for each of ${k} segments`);
  const rates = o.rates.map((r, c) => numbers(r, actions.length, `segment ${c} response rates`));
  const counts = o.counts.map((r, c) => numbers(r, actions.length, `segment ${c} response counts`));
  if (!rates.every((r) => r.every((x) => x > 0 && x < 1)) || !counts.every((r) => r.every((x) => x >= 0)))
    throw new ValidationError('conversion model segment response rates must be in (0, 1) and counts >= 0');
  return { actions, rates, counts };
}

/** Feature pairs of the raw context, which the snapshot's d features end with the products of. */
function pairsFromJSON(v: unknown, d: number): [number, number][] {
  if (!Array.isArray(v)) throw new ValidationError('conversion model interactions must be an array of pairs');
  const raw = d - v.length;
  return v.map((p) => {
    const pair = numbers(p, 2, 'interaction pair') as [number, number];
    if (!pair.every((k) => Number.isInteger(k) && k >= 0 && k < raw))
      throw new ValidationError(`conversion model interaction ${JSON.stringify(pair)} is not a pair of raw features`);
    return pair;
  });
}

function supportFromJSON(v: unknown, actions: Readonly<Record<string, unknown>>): OfferSupport {
  const o = v as { edges?: unknown; counts?: unknown } | null;
  if (!isObject(o) || !Array.isArray(o.edges) || !isObject(o.counts))
    throw new ValidationError('conversion model support must have edges and counts');
  const edges = numbers(o.edges, o.edges.length, 'support edges');
  const counts: Record<string, number[]> = {};
  for (const [action, raw] of Object.entries(o.counts as Record<string, unknown>)) {
    if (!actions[action]) throw new ValidationError(`conversion model support has unknown action ${action}`);
    counts[action] = numbers(raw, edges.length + 1, `${action} support counts`);
  }
  return { edges, counts };
}
