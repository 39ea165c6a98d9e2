import { segmentPosterior, type SegmentModel, type SegmentResponseRates } from './behaviour-segments';

/** An offer's effect on the log-odds of a purchase, as the segments a shopper may belong to answered it. */
export interface SegmentEffect {
  readonly logOdds: number;
  /** Variance of `logOdds` from the segments' (soft) counts, offer and no offer taken as independent. */
  readonly variance: number;
}

const logit = (p: number): number => Math.log(p / (1 - p));
const clamp = (p: number): number => Math.min(1 - 1e-6, Math.max(1e-6, p));

/** P(purchase) under one action index over the shopper's segment posterior, and that mean's variance (on p). */
function mixed(r: SegmentResponseRates, posterior: readonly number[], action: number): { p: number; variance: number } {
  let p = 0;
  let variance = 0;
  posterior.forEach((q, k) => {
    const rate = r.rates[k]?.[action] as number;
    p += q * rate;
    variance += (q * q * rate * (1 - rate)) / ((r.counts[k]?.[action] as number) + 1);
  });
  return { p: clamp(p), variance };
}

/**
 * The odds ratio of `action` over no offer (index 0) for this shopper: each segment's purchase rates under both,
 * weighed by P(segment | behaviour). A model that adds one linear offer effect per feature cannot say "this kind
 * answers 10% off and that kind free shipping" when the kinds look alike feature by feature; segments fitted to
 * behaviour and response together can (fitSegments' responses). Undefined when the model has no such rates.
 */
export function segmentEffect(model: SegmentModel, x: readonly number[], action: string): SegmentEffect | undefined {
  const r = model.response;
  const index = r?.actions?.indexOf(action) ?? -1;
  if (!r || index <= 0) return undefined;
  const posterior = segmentPosterior(model, x);
  const offer = mixed(r, posterior, index);
  const none = mixed(r, posterior, 0);
  const slope = (p: number): number => 1 / (p * (1 - p));
  return {
    logOdds: logit(offer.p) - logit(none.p),
    variance: offer.variance * slope(offer.p) ** 2 + none.variance * slope(none.p) ** 2,
  };
}
