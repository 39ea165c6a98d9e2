import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { drawMarket, runDrawMarketCommand } from './market-draw';
import { marketConfig } from './market.config';

describe('drawMarket', () => {
  it('draws the same market from the same seed and a different one from another', () => {
    expect(drawMarket(7, 'm')).toEqual(drawMarket(7, 'm'));
    expect(drawMarket(8, 'm')).not.toEqual(drawMarket(7, 'm'));
  });

  it('still draws the committed drawn markets from their seeds', () => {
    const markets = [
      'spool',
      'warp',
      'weft',
      'heddle',
      'reed',
      'beam',
      'pirn',
      'creel',
      'batten',
      'picker',
      'selvage',
      'temple',
      'harness',
      'lease',
      'sley',
      'raddle',
      'fell',
      'quill',
      'dobby',
      'jacquard',
      'hank',
      'lingo',
      'skein',
      'twill',
      'tabby',
      'sett',
      'tenter',
      'woof',
      'gauze',
      'lappet',
      'leno',
      'satin',
      'twine',
      'velvet',
      'voile',
      'whorl',
      'yarn',
      'zephyr',
      'boucle',
      'chenille',
    ];
    markets.forEach((name, i) => {
      const committed: unknown = JSON.parse(readFileSync(join(__dirname, '..', 'markets', `${name}.json`), 'utf8'));
      expect(drawMarket(i + 1, name)).toEqual(committed);
    });
  });

  it('draws a valid market whose shares add up to one', () => {
    for (const seed of [1, 2, 3, 99, 2026]) {
      const m = drawMarket(seed, `m${seed}`);
      expect(marketConfig.safeParse(m).success).toBe(true);
      const total = m.userTypes.reduce((s, t) => s + t.share, 0);
      expect(total).toBeGreaterThan(0.97);
      expect(total).toBeLessThan(1.03);
    }
  });

  it('keeps each kind true to its description whatever the draw', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const kinds = Object.fromEntries(drawMarket(seed, 'm').userTypes.map((t) => [t.name, t]));
      const putOff = kinds['put-off'];
      const shipping = kinds['shipping-led'];
      const discount = kinds['discount-led'];
      const newcomer = kinds.newcomer;
      expect(putOff && shipping && discount && newcomer).toBeTruthy();
      if (!putOff || !shipping || !discount || !newcomer) return;
      expect(Math.max(putOff.oddsLift.pct10, putOff.oddsLift.pct20, putOff.oddsLift.free_shipping)).toBeLessThanOrEqual(
        1,
      );
      expect(shipping.oddsLift.free_shipping).toBeGreaterThan(shipping.oddsLift.pct20);
      expect(discount.oddsLift.pct20).toBeGreaterThan(discount.oddsLift.free_shipping);
      expect(newcomer.behaviour.historyPurchases).toBe(0);
      for (const t of Object.values(kinds)) {
        const [lo, hi] = t.behaviour.viewsBeforeCart;
        expect(Number.isInteger(lo) && Number.isInteger(hi) && lo <= hi).toBe(true);
      }
    }
  });

  it('prints a named market for a seed and refuses a missing or bad one', async () => {
    await expect(runDrawMarketCommand(['--seed', '5', '--name', 'spool'])).resolves.toMatchObject({ name: 'spool' });
    await expect(runDrawMarketCommand(['--seed', '5'])).resolves.toMatchObject({ name: 'drawn-5' });
    expect(() => runDrawMarketCommand([])).toThrow('--seed N is required');
    expect(() => runDrawMarketCommand(['--seed', 'x'])).toThrow('--seed');
  });
});
