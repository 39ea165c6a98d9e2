import { seededRandom, ValidationError } from '@offerstream/core';
import type { LoggedDecision } from '../ope/off-policy-estimators';
import type { ConversionModelOptions, ConversionModelSnapshot, MemberChoices } from './conversion-model.types';
import type { RewardPrediction } from './reward-model';

export const DEFAULT_BAG_SHARE = 0.7;
const MAX_BAGS = 50;
/** Offset of the members' EM seeds from the options' own, so member 0 does not repeat an unbagged fit's starts. */
const MEMBER_SEED = 11;

type FitOne = (given: readonly LoggedDecision[], options: ConversionModelOptions) => ConversionModelSnapshot;

/**
 * `bags` fits, each on a random `bagShare` of the decisions drawn without replacement (a bootstrap repeats rows, and
 * the segment count's AIC then reads the copies as evidence) and with its own EM starts. Their average is served
 * (predictProfits): one fit's choices of segments and shrinkage move a lot with the decisions it happened to see, and
 * averaging over those choices is steadier than any single one (docs/benchmarks.md, "Bagged fits"). The snapshot
 * keeps the first member's fields at its top, so readers of a fit's choices still find one.
 */
export function fitBag(
  given: readonly LoggedDecision[],
  options: ConversionModelOptions,
  fitOne: FitOne,
): ConversionModelSnapshot {
  const bags = options.bags ?? 1;
  const share = options.bagShare ?? DEFAULT_BAG_SHARE;
  if (!(Number.isInteger(bags) && bags >= 1 && bags <= MAX_BAGS))
    throw new ValidationError(`conversion model bags must be an integer in [1, ${MAX_BAGS}]`, { bags });
  if (!(share > 0 && share <= 1)) throw new ValidationError('conversion model bagShare must be in (0, 1]', { share });
  const { memberChoices, bags: _bags, bagShare: _share, bagSeed, ...single } = options;
  if (bags === 1) return fitOne(given, { ...single, ...(memberChoices?.[0] ?? {}) });
  // Seeded by the log's length unless told: a refit of the same log repeats exactly, the next one draws afresh.
  const rng = seededRandom(bagSeed ?? given.length);
  const base = options.segmentSeed ?? 0;
  const members = Array.from({ length: bags }, (_, i) => {
    const part = given.filter(() => rng() < share);
    return fitOne(part.length > 0 ? part : given, {
      ...single,
      ...(memberChoices?.[i] ?? {}),
      segmentSeed: base + MEMBER_SEED + i,
    });
  });
  return { ...(members[0] as ConversionModelSnapshot), members, bagShare: share };
}

/** What a fit chose from the data (shrinkage by cross-validation, segment count), to fit again without a search. */
export function choicesOf(chosen: ConversionModelSnapshot, noPooling: number, weakDefault: number): MemberChoices {
  return {
    offerLambda: chosen.offerLambda,
    poolLambda: chosen.poolLambda ?? noPooling,
    weakShrinkage: chosen.weakShrinkage ?? weakDefault,
    // One segment is "no segments": the whole log may show the structure the candidate's part did not.
    ...(chosen.segments ? { segmentCount: chosen.segments.shares.length } : {}),
  };
}

/**
 * The members' predictions averaged: the mean and the sds as they are (each member's sd is its own fit's, on a share
 * of the log: the average is a little wider than one full fit's, which is the caution the replays measured), the
 * example counts and support scaled back to the whole log each member's share was drawn from.
 */
export function averagePredictions(
  perMember: readonly Record<string, RewardPrediction>[],
  share: number,
): Record<string, RewardPrediction> {
  const k = perMember.length;
  const out: Record<string, RewardPrediction> = {};
  for (const action of Object.keys(perMember[0] ?? {})) {
    const all = perMember.map((p) => p[action]).filter((e): e is RewardPrediction => e !== undefined);
    if (all.length !== k) continue;
    const avg = (f: (e: RewardPrediction) => number): number => all.reduce((s, e) => s + f(e), 0) / k;
    const withSupport = all.every((e) => e.support !== undefined);
    const withGainSd = all.every((e) => e.gainSd !== undefined);
    out[action] = {
      mean: avg((e) => e.mean),
      sd: avg((e) => e.sd),
      n: Math.round(avg((e) => e.n) / share),
      ...(withSupport ? { support: avg((e) => e.support ?? 0) / share } : {}),
      ...(withGainSd ? { gainSd: avg((e) => e.gainSd ?? 0) } : {}),
    };
  }
  return out;
}
