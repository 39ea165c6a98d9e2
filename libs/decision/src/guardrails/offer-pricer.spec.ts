import { OfferPricer } from './offer-pricer';

describe('the price per offer made', () => {
  const pricer = (gains: readonly number[], window?: number): OfferPricer => {
    const p = new OfferPricer(window);
    for (const g of gains) p.observe(g);
    return p;
  };

  it('is zero with no pressure on the count or no gains seen yet', () => {
    expect(pricer([1, 2, 3]).price(0)).toBe(0);
    expect(pricer([]).price(3)).toBe(0);
  });

  it('keeps the best 1 / (1 + pressure) of the offers worth making', () => {
    const p = pricer(Array.from({ length: 100 }, (_, i) => i + 1));
    // Pressure 1 (twice the pace that lasts): half the offers, the price is the median gain.
    expect(p.price(1)).toBe(51);
    // Pressure 4: a fifth of them.
    expect(p.price(4)).toBe(81);
  });

  it('learns from decisions that had an offer worth making only, and from the recent ones', () => {
    const p = pricer([-5, 0, 10, 10, 10], 2);
    expect(p.price(1)).toBe(10);
    p.observe(1);
    p.observe(1);
    expect(p.price(1)).toBe(1);
  });
});
