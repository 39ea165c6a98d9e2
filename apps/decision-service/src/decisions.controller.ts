import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ValidationError, type UserPseudonyms } from '@offerstream/core';
import { Roles, USER_PSEUDONYMS } from '@offerstream/platform';
import { describeIssues, httpDecisionBody, httpDecisionTrigger, type Decision } from '@offerstream/decision';
import { DecisionService } from './decision.service';

/** The synchronous on-site placement: decide now and answer with the offer (or why there is none). */
@Controller('decisions')
export class DecisionsController {
  constructor(
    @Inject(DecisionService) private readonly decisions: DecisionService,
    @Inject(USER_PSEUDONYMS) private readonly pseudonyms: UserPseudonyms,
  ) {}

  @Post()
  @Roles('decider')
  @HttpCode(200)
  async decide(@Body() body: unknown): Promise<Decision> {
    const parsed = httpDecisionBody.safeParse(body);
    if (!parsed.success) throw new ValidationError(describeIssues(parsed.error));
    // The shop's id stops here: the decision, its records and the offer name the user by pseudonym only.
    const request = { ...parsed.data, userId: this.pseudonyms.of(parsed.data.userId) };
    const d = await this.decisions.decideAndEnqueue(httpDecisionTrigger(request, new Date()));
    // The decision record goes to the decisions topic, not to the caller.
    return { ...d, record: undefined };
  }
}
