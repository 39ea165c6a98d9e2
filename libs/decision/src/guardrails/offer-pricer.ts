/**
 * Price of one offer made, in the currency of incremental profit, for a campaign whose count of offers runs ahead of
 * its plan. Spending the count at (1 + pressure) times the pace that lasts, the campaign should make 1 / (1 + pressure)
 * of the offers it would make unpriced, and the best ones: the price is the gain exceeded by that share of recent
 * decisions that had an offer worth making. It scales itself to the model's gains (no currency knob), and at no
 * pressure it is 0. Spend is priced per unit of cost; when the count binds (a campaign whose spend covers its count at
 * the deepest discount), an offer worth 0.01 uses a unit of the count as much as one worth 20, and only this price
 * says so.
 */
export class OfferPricer {
  private readonly gains: number[] = [];
  private next = 0;

  /** window: how many recent positive gains the quantile is taken over. */
  constructor(private readonly window = 1_000) {}

  /** The best net gain a decision could have made (before this price); only positive ones would have been offers. */
  observe(bestGain: number): void {
    if (!(bestGain > 0)) return;
    if (this.gains.length < this.window) this.gains.push(bestGain);
    else this.gains[this.next] = bestGain;
    this.next = (this.next + 1) % this.window;
  }

  price(pressure: number): number {
    if (!(pressure > 0) || this.gains.length === 0) return 0;
    const sorted = [...this.gains].sort((a, b) => a - b);
    const q = pressure / (1 + pressure);
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  }
}
