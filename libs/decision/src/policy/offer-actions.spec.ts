import { dosePairs } from './offer-actions';

describe('dose pairs of offer actions', () => {
  it('pairs each discount with the next larger one of its kind, the largest pair first', () => {
    expect(dosePairs(['none', 'pct10', 'free_shipping', 'pct30', 'pct20', 'fixed5', 'fixed10'])).toEqual([
      ['pct20', 'pct30'],
      ['pct10', 'pct20'],
      ['fixed5', 'fixed10'],
    ]);
  });

  it('pairs nothing where a kind has one dose, or whose amount follows the margin', () => {
    expect(dosePairs(['none', 'pct20', 'free_shipping', 'coupon4.5', 'coupon9', 'bundle'])).toEqual([]);
  });
});
