import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ValidationError } from '@offerstream/core';
import { Roles } from '@offerstream/platform';
import { describeIssues, httpDecisionBody, httpDecisionTrigger, type Decision } from '@offerstream/decision';
import { DecisionService } from './decision.service';

/** The synchronous on-site placement: decide now and answer with the offer (or why there is none). */
@Controller('decisions')
export class DecisionsController {
  constructor(@Inject(DecisionService) private readonly decisions: DecisionService) {}

  @Post()
  @Roles('decider')
  @HttpCode(200)
  async decide(@Body() body: unknown): Promise<Decision> {
    const parsed = httpDecisionBody.safeParse(body);
    if (!parsed.success) throw new ValidationError(describeIssues(parsed.error));
    const d = await this.decisions.decideAndEnqueue(httpDecisionTrigger(parsed.data, new Date()));
    // The decision record goes to the decisions topic, not to the caller.
    return { ...d, record: undefined };
  }
}
