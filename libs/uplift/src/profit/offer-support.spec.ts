import { localEvidence, offerSupport, SUPPORT_BINS } from './offer-support';

describe('where each action was tried', () => {
  // 100 shoppers with no-offer logits -5..4.9; the offer was tried only on the 19 most likely to buy anyway.
  const etas = Array.from({ length: 100 }, (_, i) => -5 + i / 10);
  const actions = etas.map((_, i) => (i > 80 ? 'pct20' : 'none'));
  const support = offerSupport(etas, actions);

  it('counts each action per fifth of the no-offer likelihood', () => {
    expect(support.edges).toHaveLength(SUPPORT_BINS - 1);
    expect(support.counts['pct20']).toEqual([0, 0, 0, 0, 19]);
    expect(support.counts['none']).toEqual([21, 20, 20, 20, 0]);
  });

  it('gives an estimate the evidence near the shopper, on the scale of the whole log', () => {
    expect(localEvidence(support, 'pct20', 4)).toBe(95);
    expect(localEvidence(support, 'pct20', -4)).toBe(0);
    expect(localEvidence(support, 'free_shipping', 4)).toBe(0);
  });
});
