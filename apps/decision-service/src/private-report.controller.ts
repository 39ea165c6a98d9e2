import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { secureRandom, ValidationError } from '@offerstream/core';
import {
  CampaignNotFoundError,
  CampaignStore,
  DecisionOutcomeStore,
  PrivateReports,
  type PrivateCampaignReport,
} from '@offerstream/decision';
import { AuditLog, CurrentCaller, REDIS, Roles, type Caller } from '@offerstream/platform';
import type { RedisClient } from '@offerstream/redis';
import { z } from 'zod';
import type { DecisionServiceConfig } from './decision-service.config';
import { DECISION_CONFIG } from './decision-service.tokens';

/** Query of GET /campaigns/:id/private-report. */
export const privateReportQuery = {
  epsilon: z.coerce.number().positive().describe('Privacy loss this export spends from the campaign budget'),
  segments: z
    .string()
    .max(2_000)
    .optional()
    .describe('Comma-separated segment names to report (default: the campaign targeting); every other is "other"'),
};
const epsilonQuery = privateReportQuery.epsilon;
const segmentName = z.string().min(1).max(64);

/**
 * The campaign figures that may leave the system: counts and conversion rates, treated vs holdout and per segment,
 * with differential privacy (Laplace noise; the campaign's epsilon budget, tracked in Redis, pays for each export).
 * Role `reader`; each export is audited, since it spends a budget nobody can give back.
 */
@Controller('campaigns')
@Roles('reader')
export class PrivateReportController {
  private readonly reports: PrivateReports;
  private readonly audit: AuditLog;

  constructor(
    @Inject(CampaignStore) private readonly campaigns: CampaignStore,
    @Inject(DecisionOutcomeStore) private readonly outcomes: DecisionOutcomeStore,
    @Inject(REDIS) redis: RedisClient,
    @Inject(DECISION_CONFIG) config: DecisionServiceConfig,
  ) {
    // The OS CSPRNG, not a seeded generator: noise anyone can replay is noise anyone can subtract.
    this.reports = new PrivateReports(redis, config.service.DP_REPORT_EPSILON_BUDGET, secureRandom);
    this.audit = new AuditLog(redis);
  }

  @Get(':id/private-report')
  async privateReport(
    @Param('id') id: string,
    @Query('epsilon') epsilon: unknown,
    @Query('segments') segments: unknown,
    @CurrentCaller() caller?: Caller,
  ): Promise<PrivateCampaignReport> {
    const eps = epsilonQuery.safeParse(epsilon);
    if (!eps.success) throw new ValidationError('epsilon must be a positive number');
    const names = typeof segments === 'string' && segments.length > 0 ? segments.split(',') : undefined;
    if (names && !names.every((s) => segmentName.safeParse(s).success)) {
      throw new ValidationError('segments must be comma-separated names of 1 to 64 characters');
    }
    const c = await this.campaigns.get(id);
    if (!c) throw new CampaignNotFoundError(id);
    const report = await this.reports.export(c, await this.outcomes.joined(), eps.data, names);
    await this.audit.record({
      actor: caller?.name ?? 'in-process',
      action: 'report.private_export',
      target: id,
      before: null,
      after: {
        epsilon: report.epsilon,
        epsilonRemaining: report.epsilonRemaining,
        segments: Object.keys(report.segments),
      },
    });
    return report;
  }
}
