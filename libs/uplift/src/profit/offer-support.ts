import { quantileEdges } from './offer-design';

/** Groups of shoppers by their no-offer likelihood that an action's evidence is counted in. */
export const SUPPORT_BINS = 5;

/**
 * Where in the log each action was tried: the fitted examples counted per action and per fifth of the no-offer
 * logit. An offer's effect is learned where it was tried and extrapolated elsewhere by a linear model; with the
 * inverse-propensity weights a few tries can look like plenty, so an estimate is only as good as the tries near it.
 */
export interface OfferSupport {
  /** Upper edges of the bins on the no-offer logit (quantiles over every fitted example). */
  readonly edges: number[];
  /** Per action, fitted examples in each bin. */
  readonly counts: Record<string, number[]>;
}

export function supportBin(edges: readonly number[], eta: number): number {
  let i = 0;
  while (i < edges.length && eta >= (edges[i] as number)) i++;
  return i;
}

export function offerSupport(etas: readonly number[], actionOf: readonly string[]): OfferSupport {
  const edges = quantileEdges(etas, SUPPORT_BINS);
  const counts: Record<string, number[]> = {};
  etas.forEach((eta, i) => {
    const a = actionOf[i] as string;
    const c = (counts[a] ??= new Array<number>(edges.length + 1).fill(0));
    c[supportBin(edges, eta)] = (c[supportBin(edges, eta)] as number) + 1;
  });
  return { edges, counts };
}

/**
 * The evidence an estimate at this no-offer logit rests on, on the scale of the whole log: the action's examples in
 * the shopper's bin times the number of bins (what it would have if it had been tried evenly). A threshold on the
 * whole log's count (the policy's minimum examples) then also holds near the shopper.
 */
export function localEvidence(support: OfferSupport, action: string, eta: number): number {
  const c = support.counts[action];
  if (!c) return 0;
  return (c[supportBin(support.edges, eta)] ?? 0) * (support.edges.length + 1);
}
