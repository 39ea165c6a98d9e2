import { Body, Controller, HttpCode, Inject, Post, UnprocessableEntityException } from '@nestjs/common';
import { ValidationError, type UserPseudonyms } from '@offerstream/core';
import { CurrentCaller, Roles, USER_PSEUDONYMS, type Caller } from '@offerstream/platform';
import {
  describeIssues,
  httpDecisionBody,
  httpDecisionTrigger,
  type Decision,
  type FeatureSource,
  type HttpDecisionBody,
} from '@offerstream/decision';
import { DecisionService } from './decision.service';
import { FEATURE_SOURCE } from './decision-service.tokens';

export const REQUEST_ID_REQUIRED =
  'requestId is required: send a unique id per decision and the same id when retrying it, so that a retry gets ' +
  'the first decision back instead of a second offer (only keys with the internal role may leave it out)';

/**
 * The synchronous on-site placement: decide now and answer with the offer (or why there is none). Two abuse limits
 * beyond the guard: a shop's key must make each request idempotent (requestId), and a price the caller states is
 * never trusted: the catalog prices every offer, and a stated price of an item the catalog does not price is refused.
 */
@Controller('decisions')
export class DecisionsController {
  constructor(
    @Inject(DecisionService) private readonly decisions: DecisionService,
    @Inject(USER_PSEUDONYMS) private readonly pseudonyms: UserPseudonyms,
    @Inject(FEATURE_SOURCE) private readonly features: FeatureSource,
  ) {}

  @Post()
  @Roles('decider')
  @HttpCode(200)
  async decide(@Body() body: unknown, @CurrentCaller() caller?: Caller): Promise<Decision> {
    const parsed = httpDecisionBody.safeParse(body);
    if (!parsed.success) throw new ValidationError(describeIssues(parsed.error));
    if (parsed.data.requestId === undefined && caller?.roles.has('internal') !== true)
      throw new ValidationError(REQUEST_ID_REQUIRED);
    await this.refuseUncataloguedPrices(parsed.data.items);
    // The shop's id stops here: the decision, its records and the offer name the user by pseudonym only.
    const request = { ...parsed.data, userId: this.pseudonyms.of(parsed.data.userId) };
    const d = await this.decisions.decideAndEnqueue(httpDecisionTrigger(request, new Date()));
    // The decision record goes to the decisions topic, not to the caller.
    return { ...d, record: undefined };
  }

  /**
   * A stated price is what a caller could inflate to drain a budget or skew what the policy learns, so it never
   * reaches the engine (httpDecisionTrigger drops it). Where the catalog prices the item that changes nothing; where
   * it does not, the offer would have been costed on the caller's word alone: 422 instead.
   */
  private async refuseUncataloguedPrices(items: HttpDecisionBody['items']): Promise<void> {
    const stated = items.filter((i) => i.price !== undefined).map((i) => i.itemId);
    if (stated.length === 0) return;
    const catalog = await this.features.items(stated);
    const unpriced = stated.filter((id) => !((catalog.get(id)?.price ?? 0) > 0));
    if (unpriced.length === 0) return;
    throw new UnprocessableEntityException({
      statusCode: 422,
      error: 'PRICE_NOT_IN_CATALOG',
      message:
        `the catalog has no price for ${unpriced.slice(0, 5).join(', ')}${unpriced.length > 5 ? ', ...' : ''}: ` +
        'prices stated in a request are never used for cost; publish the item on the catalog topic, or leave price out',
    });
  }
}
