import { NO_POOLING, segmentPosterior, withRanges } from '@offerstream/uplift';
import { bestOverKinds, bestOverMixture, countedRates, labelledRounds } from './kind-ceiling';
import type { MarketConfig } from './market.config';
import { fitReplayModel, loggedActions, type SimulatedDecision } from './policy-replay';
import { OracleScore, type OracleShare } from './sim-files';

export interface SegmentCeiling extends OracleShare {
  /** How many segments the served fit found. */
  readonly segments: number;
  /**
   * The same segments with each one's response counted from the fit rounds (purchase rate under each action, shoppers
   * counted by their posterior, an offer's shrunk toward the segment's no-offer rate as the kind ceiling's estimate
   * is): what the service's segments with this log's evidence and no model between would reach. Between it and the
   * replay is what the conversion model's own estimate of the segments' effects loses.
   */
  readonly estimated: OracleShare;
}

/**
 * How much of the oracle the segments the service fits (behaviour and response, on the rounds up to `fitRounds`)
 * could reach if each segment's response were known exactly: each segment answers as the mix of kinds it holds over
 * those rounds (P(segment | behaviour) summed per simulator label), and the greedy choice by expected gain over the
 * shopper's segment posterior is scored on the later rounds against the oracle at as many offers. Between the kind
 * ceiling and this is what the segments lose by mixing kinds; between this and the replay (`sim-policy`), what
 * estimating their responses from the log loses. Undefined when the fit found no segments.
 */
export function segmentCeiling(
  lines: readonly SimulatedDecision[],
  market: MarketConfig,
  fitRounds: number,
): SegmentCeiling | undefined {
  const { usable, fit, scored } = labelledRounds(lines, fitRounds);
  // The segments do not depend on the shrinkage: one level each keeps the fit to the segments' own search.
  const model = fitReplayModel(
    fit,
    loggedActions(usable),
    {
      trainRounds: fitRounds,
      caution: 0,
      maxWeight: 20,
      offerLambdas: [4],
      poolLambdas: [NO_POOLING],
      segments: true,
      segmentResponses: true,
    },
    fitRounds,
  );
  const segments = model.segments;
  if (!segments) return undefined;
  const posterior = (l: SimulatedDecision): number[] =>
    segmentPosterior(segments, withRanges(l.features ?? [], model.rangedFeatures));
  const types = market.userTypes;
  // Per segment, the (soft) number of fitted shoppers of each kind.
  const mix = segments.shares.map(() => new Array<number>(types.length).fill(0));
  for (const l of fit) {
    const kind = types.findIndex((t) => t.name === l.segment);
    if (kind >= 0)
      posterior(l).forEach((q, c) => ((mix[c] as number[])[kind] = ((mix[c] as number[])[kind] as number) + q));
  }
  const rates = countedRates(fit, posterior, segments.shares.length);
  const score = new OracleScore();
  const estimated = new OracleScore();
  for (const l of scored) {
    const q = posterior(l);
    // P(kind | behaviour) through the segments: each segment's share of the kind among its shoppers.
    const weights = types.map((_, kind) =>
      mix.reduce((s, row, c) => {
        const n = row.reduce((a, b) => a + b, 0);
        return n > 0 ? s + ((q[c] as number) * (row[kind] as number)) / n : s;
      }, 0),
    );
    score.add(l.simulation.trueIncremental, bestOverKinds(market, weights, l.features ?? []));
    estimated.add(
      l.simulation.trueIncremental,
      bestOverMixture(market, q, l.features ?? [], (c, a) => rates[c]?.[a] ?? 0),
    );
  }
  return { ...score.result(), segments: segments.shares.length, estimated: estimated.result() };
}
