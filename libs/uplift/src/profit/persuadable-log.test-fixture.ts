import { seededRandom } from '@offerstream/core';
import type { LoggedDecision } from '../ope/off-policy-estimators';

/**
 * Persuadables (x0 = 1) buy 10% of the time without an offer and 40% with 20% off; the others 30% either way. Item
 * prices vary, so what an offer is worth scales with the price; the log is a uniform coin flip per decision.
 */
export function persuadableLog(n: number, seed: number): LoggedDecision[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => {
    const persuadable = random() < 0.5 ? 1 : 0;
    const price = 20 + random() * 180;
    const action = random() < 0.5 ? 'pct20' : 'none';
    const p = persuadable ? (action === 'pct20' ? 0.4 : 0.1) : 0.3;
    const values = { none: 0.4 * price, pct20: 0.2 * price };
    const converted = random() < p;
    return {
      context: [persuadable, Math.log(price)],
      action,
      propensity: 0.5,
      reward: converted ? values[action] : 0,
      values,
      converted,
    };
  });
}
