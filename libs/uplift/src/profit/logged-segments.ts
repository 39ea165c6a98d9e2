import type { LoggedDecision } from '../ope/off-policy-estimators';
import { fitSegments, type SegmentModel } from './behaviour-segments';
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
  const { actions, count, doses = [], counts = DEFAULT_SEGMENT_COUNTS, seed, counted } = s;
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
  const responses = logged.map((e) => ({
    action: Math.max(0, order.indexOf(e.action)),
    converted: e.converted === true,
  }));
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
