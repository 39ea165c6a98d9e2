import { readFileSync } from 'node:fs';
import { DEFAULT_MARKET, marketConfig, type MarketConfig } from './market.config';

/** The market a command's `--config FILE` names (validated), or the team's when none is given. */
export function loadMarket(path: string | undefined): MarketConfig {
  return path === undefined ? DEFAULT_MARKET : marketConfig.parse(JSON.parse(readFileSync(path, 'utf8')));
}

/** The lines of a decision log written by `npm run simulate -- --out FILE`, blank lines skipped. */
export function readSimulationLog<T>(path: string): T[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l) as T);
}

export interface OracleShare {
  readonly offers: number;
  /** True incremental profit of the offers made. */
  readonly live: number;
  /** The oracle's at as many offers: the best action on the requests where it earns most. */
  readonly oracleSameCount: number;
  /** The requests offered to, each given its best action (PolicyScores' bestActionSameRequests). */
  readonly bestActionSameRequests: number;
  readonly share: number;
}

/** Scores a policy's choices exactly against each request's truth, beside the oracle at as many offers. */
export class OracleScore {
  private live = 0;
  private offers = 0;
  private bestSame = 0;
  private readonly best: number[] = [];

  /** One request: every action's true incremental profit, and the action chosen ('none': no offer). */
  add(truth: Readonly<Record<string, number>>, chosen: string): void {
    const best = Math.max(0, ...Object.values(truth));
    this.best.push(best);
    if (chosen === 'none') return;
    this.bestSame += best;
    this.live += truth[chosen] ?? 0;
    this.offers++;
  }

  result(): OracleShare {
    const oracle = [...this.best]
      .sort((a, b) => b - a)
      .slice(0, this.offers)
      .reduce((t, g) => t + g, 0);
    return {
      offers: this.offers,
      live: this.live,
      oracleSameCount: oracle,
      bestActionSameRequests: this.bestSame,
      share: oracle > 0 ? this.live / oracle : 0,
    };
  }
}
