import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ValidationError } from '@offerstream/core';
import { describeIssues, httpDecisionBody, httpDecisionTrigger, type Decision } from '@offerstream/decision';
import { DECISION_RUNTIME } from './decision-service.tokens';
import type { DecisionRuntime } from './decision-runtime';

/** The synchronous on-site placement: decide now and answer with the offer (or why there is none). */
@Controller('decisions')
export class DecisionsController {
  constructor(@Inject(DECISION_RUNTIME) private readonly rt: DecisionRuntime) {}

  @Post()
  @HttpCode(200)
  async decide(@Body() body: unknown): Promise<Decision> {
    const parsed = httpDecisionBody.safeParse(body);
    if (!parsed.success) throw new ValidationError(describeIssues(parsed.error));
    const d = await this.rt.decide(httpDecisionTrigger(parsed.data, new Date()));
    this.rt.publisher.enqueue(d);
    // The decision record goes to the decisions topic, not to the caller.
    return { ...d, record: undefined };
  }
}
