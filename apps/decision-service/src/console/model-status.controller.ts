import { Controller, Get, Inject } from '@nestjs/common';
import {
  DecisionOutcomeStore,
  ProfitModelStore,
  PropensityStore,
  type ProfitRefitAttempt,
} from '@offerstream/decision';
import { Roles } from '@offerstream/platform';
import type { DecisionServiceConfig } from '../decision-service.config';
import { DECISION_CONFIG } from '../decision-service.tokens';
import { ConsumerLagReader, type ConsumerLag } from './consumer-lag.reader';

export interface ModelStatus {
  /** The published incremental-profit model (without its coefficients) and what this instance serves. */
  readonly profit: {
    readonly published: {
      seq: number;
      features: string;
      examples: number;
      promotion: Readonly<Record<string, unknown>>;
      publishedAt: string;
    } | null;
    readonly serving: string | null;
    readonly joinedDecisions: number;
    readonly pendingDecisions: number;
    /** Joined decisions the latest finished refit attempt saw (promoted or not): learning is idle once it is near. */
    readonly refitCovered: number;
    /** That attempt's outcome, with the promotion check's reason and figures: why the model in use is the one it is. */
    readonly lastRefit: ProfitRefitAttempt | null;
  };
  readonly propensity: {
    seq: number;
    examples: number;
    heldOutLogLoss: number;
    previousLogLoss: number;
    publishedAt: string;
  } | null;
  /** The gnn-worker's own GET /model, or why it could not be read. */
  readonly gnn: { readonly configured: boolean; readonly status?: unknown; readonly error?: string };
}

const GNN_STATUS_TIMEOUT_MS = 2_000;

/** Model versions, age and evaluation figures, and consumer lag: the console's model status page. */
@Controller()
@Roles('reader')
export class ModelStatusController {
  constructor(
    @Inject(ProfitModelStore) private readonly profit: ProfitModelStore,
    @Inject(PropensityStore) private readonly propensity: PropensityStore,
    @Inject(DecisionOutcomeStore) private readonly outcomes: DecisionOutcomeStore,
    @Inject(ConsumerLagReader) private readonly lag: ConsumerLagReader,
    @Inject(DECISION_CONFIG) private readonly config: DecisionServiceConfig,
  ) {}

  @Get('models')
  async models(): Promise<ModelStatus> {
    const [profit, propensity, joined, pending, covered, lastRefit, gnn] = await Promise.all([
      this.profit.published(),
      this.propensity.published(),
      this.outcomes.appended(),
      this.outcomes.pending(),
      this.profit.attempted(),
      this.profit.lastRefit(),
      this.gnn(),
    ]);
    return {
      profit: {
        published: profit
          ? {
              seq: profit.seq,
              features: profit.features,
              examples: profit.examples,
              promotion: profit.promotion,
              publishedAt: profit.publishedAt,
            }
          : null,
        serving: this.profit.current?.version ?? null,
        joinedDecisions: joined,
        pendingDecisions: pending,
        refitCovered: covered,
        lastRefit,
      },
      propensity: propensity
        ? {
            seq: propensity.seq,
            examples: propensity.examples,
            heldOutLogLoss: propensity.heldOutLogLoss,
            previousLogLoss: propensity.previousLogLoss,
            publishedAt: propensity.publishedAt,
          }
        : null,
      gnn,
    };
  }

  @Get('consumers/lag')
  async consumerLag(): Promise<ConsumerLag[]> {
    return this.lag.read();
  }

  private async gnn(): Promise<ModelStatus['gnn']> {
    const { GNN_CANDIDATES_URL: url, GNN_CANDIDATES_API_KEY: key } = this.config.service;
    if (!url) return { configured: false };
    try {
      const res = await fetch(new URL('/model', url), {
        headers: key ? { authorization: `Bearer ${key}` } : {},
        signal: AbortSignal.timeout(GNN_STATUS_TIMEOUT_MS),
      });
      if (!res.ok) return { configured: true, error: `gnn-worker answered HTTP ${res.status}` };
      return { configured: true, status: await res.json() };
    } catch (e) {
      return { configured: true, error: e instanceof Error ? e.message : String(e) };
    }
  }
}
