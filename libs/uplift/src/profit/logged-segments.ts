import type { LoggedDecision } from '../ope/off-policy-estimators';
import { rescaleWeights } from '../stats/importance-weights';
import { fitSegments, type SegmentModel, type SegmentResponse } from './behaviour-segments';
import { CONTROL_ACTION } from './reward-model';
import { selectSegmentCount } from './segment-count';

/** Segment counts above AIC's that response segments are compared with (fitBehaviourSegments). */
const DEFAULT_SEGMENT_COUNTS: readonly number[] = [12, 16];

/** How the conversion model asks for its segments (ConversionModelOptions, in the segments' own terms). */
export interface LoggedSegmentSettings {
  /** The model's actions: given, the segments are fitted to responses too (no offer is index 0, the rest in order). */
  readonly actions?: readonly string[];
  /** Fit exactly this many segments (no AIC, no comparison with larger counts). */
  readonly count?: number;
  /** Pairs [smaller, larger] of one offer at two doses (fitSegments' `between`, by name). */
  readonly doses?: readonly (readonly [string, string])[];
  /** Counts above AIC's compared with it by cross-validated response deviance (default [12, 16]; [] keeps AIC's). */
  readonly counts?: readonly number[];
  /** Seed of the served segments' EM starts (fitSegments' `seed`). */
  readonly seed?: number;
  /** Per group, whether its features are weights (fitSegments' `counted`). */
  readonly counted?: readonly boolean[];
  /**
   * Given, each response counts toward its segment's rates by its inverse logged propensity, clipped here (see
   * responsesOf); absent, every response counts once.
   */
  readonly maxWeight?: number;
}

/**
 * What each logged shopper was shown and did, for the segments' response rates. With `maxWeight`, each counts by
 * min(1 / propensity, maxWeight), scaled so that one action's weights average 1. Within a segment the logging policy
 * offers more to the shoppers it expects to answer (their other features, their posterior), so an unweighted rate is
 * the rate of those it chose. The weights undo that choice; their scale keeps each action's total at its number of
 * shoppers, so the prior's pseudo-shoppers and the rates' variances still weigh against real ones.
 */
function responsesOf(
  logged: readonly LoggedDecision[],
  order: readonly string[],
  maxWeight: number | undefined,
): SegmentResponse[] {
  const actionOf = logged.map((e) => Math.max(0, order.indexOf(e.action)));
  const weights = new Array<number>(logged.length).fill(1);
  if (maxWeight !== undefined)
    order.forEach((_, a) => {
      const rows = actionOf.flatMap((b, i) => (b === a ? [i] : []));
      const scaled = rescaleWeights(rows.map((i) => Math.min(1 / (logged[i] as LoggedDecision).propensity, maxWeight)));
      rows.forEach((i, k) => (weights[i] = scaled[k] as number));
    });
  return logged.map((e, i) => {
    const a = actionOf[i] as number;
    const weight = weights[i] as number;
    return { action: a, converted: e.converted === true, ...(weight !== 1 ? { weight } : {}) };
  });
}

/**
 * Segments of the logged shoppers; with `actions`, fitted to their responses too and the segments' rates named by
 * action for serving. With responses and no fixed count, AIC's count is compared with the larger `counts` by
 * cross-validated response deviance (selectSegmentCount).
 */
export function fitBehaviourSegments(
  logged: readonly LoggedDecision[],
  groups: readonly (readonly number[])[],
  s: LoggedSegmentSettings = {},
): { model?: SegmentModel; countDeviance?: Record<string, number> } {
  const { actions, count, doses = [], counts = DEFAULT_SEGMENT_COUNTS, seed, counted, maxWeight } = s;
  const contexts = logged.map((e) => e.context);
  const exact = {
    ...(count !== undefined ? { segments: count } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(counted ? { counted } : {}),
  };
  if (!actions) return { model: fitSegments(contexts, groups, exact) };
  const order = [CONTROL_ACTION, ...actions.filter((a) => a !== CONTROL_ACTION)];
  // Pairs of actions this model does not have are left out: a campaign may offer 20% off and never 10%.
  const between = doses
    .map(([small, large]) => [order.indexOf(small), order.indexOf(large)] as [number, number])
    .filter(([small, large]) => small > 0 && large > 0);
  const responses = responsesOf(logged, order, maxWeight);
  const dosed = between.length > 0 ? { between } : {};
  const named = (fit: SegmentModel | undefined): SegmentModel | undefined =>
    fit?.response ? { ...fit, response: { ...fit.response, actions: order } } : fit;
  const byAic = fitSegments(contexts, groups, { responses, ...exact, ...dosed });
  const larger = counts.filter((k) => k > (byAic?.shares.length ?? Infinity));
  // One segment (none found) stays none, and a fixed count stays fixed: the choice was made on most of this log.
  if (!byAic || count !== undefined || larger.length === 0) return { model: named(byAic) };
  const aic = byAic.shares.length;
  const choice = selectSegmentCount(contexts, groups, responses, [aic, ...larger], between, counted);
  const model =
    choice.count === aic
      ? byAic
      : fitSegments(contexts, groups, { responses, ...exact, segments: choice.count, ...dosed });
  return { model: named(model), countDeviance: choice.deviance };
}
