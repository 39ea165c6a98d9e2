import { actionCost, buyProbability, expectedProfit, incrementalProfit, incrementalProfits } from './truth';

const persuadable = {
  type: { baseBuy: 0.2, oddsLift: { pct10: 2, pct20: 4, free_shipping: 1 } },
  price: 100,
  cost: 60,
  shippingCost: 5,
};

describe('ground truth of one request', () => {
  it('multiplies the odds of buying by the type lift of the action', () => {
    // odds 0.25 x 2 = 0.5 -> 1/3; x 4 = 1 -> 1/2
    expect(buyProbability(persuadable, 'none')).toBeCloseTo(0.2, 12);
    expect(buyProbability(persuadable, 'pct10')).toBeCloseTo(1 / 3, 12);
    expect(buyProbability(persuadable, 'pct20')).toBeCloseTo(0.5, 12);
    expect(buyProbability(persuadable, 'free_shipping')).toBeCloseTo(0.2, 12);
  });

  it('charges a percent of the price for a discount and the shipping cost for free shipping', () => {
    expect(actionCost(persuadable, 'pct10')).toBeCloseTo(10, 12);
    expect(actionCost(persuadable, 'pct20')).toBeCloseTo(20, 12);
    expect(actionCost(persuadable, 'free_shipping')).toBe(5);
    expect(actionCost(persuadable, 'none')).toBe(0);
  });

  it('gives expected profit as P(buy) times what is left of the margin after the action cost', () => {
    expect(expectedProfit(persuadable, 'none')).toBeCloseTo(0.2 * 40, 12);
    expect(expectedProfit(persuadable, 'pct10')).toBeCloseTo((1 / 3) * 30, 12);
    expect(expectedProfit(persuadable, 'pct20')).toBeCloseTo(0.5 * 20, 12);
  });

  it('measures every action against no offer, so an offer to someone who buys anyway loses its cost times P(buy)', () => {
    expect(incrementalProfit(persuadable, 'none')).toBe(0);
    expect(incrementalProfit(persuadable, 'pct10')).toBeCloseTo(10 - 8, 12);
    expect(incrementalProfit(persuadable, 'pct20')).toBeCloseTo(10 - 8, 12);
    expect(incrementalProfit(persuadable, 'free_shipping')).toBeCloseTo(0.2 * 35 - 8, 12);
    const buysAnyway = { ...persuadable, type: { baseBuy: 0.5, oddsLift: { pct10: 1, pct20: 1, free_shipping: 1 } } };
    expect(incrementalProfits(buysAnyway)).toEqual({ pct10: -5, pct20: -10, free_shipping: -2.5 });
  });

  it('lowers the purchase probability of a type that an offer puts off', () => {
    const putOff = { ...persuadable, type: { baseBuy: 0.5, oddsLift: { pct10: 0.5, pct20: 0.5, free_shipping: 0.5 } } };
    expect(buyProbability(putOff, 'pct10')).toBeCloseTo(1 / 3, 12);
    expect(incrementalProfit(putOff, 'pct10')).toBeCloseTo(10 - 20, 12);
  });
});
