import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS, type ClickstreamEvent, type OfferOutcomeEvent, type OfferRequestEvent } from '@offerstream/contracts';
import { OfferStreamError } from '@offerstream/core';
import {
  CampaignLearning,
  ClickstreamTriggers,
  erasedUsers,
  offerRequestTrigger,
  type DecisionRequest,
} from '@offerstream/decision';
import type { BatchPatternExtras, BatchResult, ConsumedEvent } from '@offerstream/kafka';
import { REDIS } from '@offerstream/platform';
import type { RedisClient } from '@offerstream/redis';
import { DecisionService } from './decision.service';

function outcomeRefused(r: 'unknown_offer' | 'campaign_mismatch', e: OfferOutcomeEvent): OfferStreamError {
  const { offerId, campaignId } = e.payload;
  return r === 'unknown_offer'
    ? new OfferStreamError('UNKNOWN_OFFER', `outcome for offer ${offerId}, which no decision made (or long expired)`, {
        context: { offerId, campaignId },
      })
    : new OfferStreamError('OFFER_CAMPAIGN_MISMATCH', `outcome names campaign ${campaignId ?? ''}, not the offer's`, {
        context: { offerId, campaignId },
      });
}

/**
 * The three consumers of the service. Each batch's work (trigger state, decisions, offers produced, figures
 * updated) is durable before the batch is committed; a replayed batch is absorbed by trigger-once markers
 * and once-per-outcome counters.
 */
@Controller()
export class DecisionConsumers {
  constructor(
    @Inject(DecisionService) private readonly decisions: DecisionService,
    @Inject(ClickstreamTriggers) private readonly triggers: ClickstreamTriggers,
    @Inject(CampaignLearning) private readonly learning: CampaignLearning,
    @Inject(REDIS) private readonly redis: RedisClient,
  ) {}

  @EventPattern(TOPICS.clickstream.name, { group: 'clickstream' } satisfies BatchPatternExtras)
  async clickstream(@Payload() events: ConsumedEvent<ClickstreamEvent>[]): Promise<void> {
    await this.decisions.decideAndPublish(await this.clickstreamRequests(events));
  }

  @EventPattern(TOPICS.offerRequests.name, { group: 'offer-requests' } satisfies BatchPatternExtras)
  async offerRequests(@Payload() events: ConsumedEvent<OfferRequestEvent>[]): Promise<void> {
    const now = new Date();
    await this.decisions.decideAndPublish(events.map((e) => offerRequestTrigger(e.event, now)));
  }

  @EventPattern(TOPICS.offerOutcomes.name, { group: 'offer-outcomes' } satisfies BatchPatternExtras)
  async offerOutcomes(@Payload() events: ConsumedEvent<OfferOutcomeEvent>[]): Promise<BatchResult<OfferOutcomeEvent>> {
    // Outcomes of offers this system never made, or naming another campaign than the offer's, are not
    // counted: they go to the DLQ with the reason, for whoever sends them to look at.
    const rejected = [];
    for (const e of events) {
      const r = await this.learning.outcome(e.event);
      if (r === 'unknown_offer' || r === 'campaign_mismatch')
        rejected.push({ event: e, error: outcomeRefused(r, e.event) });
    }
    return { rejected };
  }

  /**
   * A user's events keep their order (carts depend on it); different users are handled at once. Late events of an
   * erased user are dropped (one tombstone read per batch), so they rebuild no cart, browse count or claim.
   */
  private async clickstreamRequests(events: ConsumedEvent<ClickstreamEvent>[]): Promise<DecisionRequest[]> {
    const byUser = new Map<string, ClickstreamEvent[]>();
    const erased = await erasedUsers(
      this.redis,
      events.map(({ event }) => event.userId ?? event.anonymousId ?? ''),
    );
    for (const { event } of events) {
      if (erased.has(event.userId ?? event.anonymousId ?? '')) continue;
      const key = event.userId ?? event.anonymousId ?? '';
      const list = byUser.get(key) ?? [];
      list.push(event);
      byUser.set(key, list);
    }
    const now = Date.now();
    const perUser = await Promise.all(
      [...byUser.values()].map(async (list) => {
        const out: DecisionRequest[] = [];
        for (const e of list) out.push(...(await this.triggers.handle(e, now)));
        return out;
      }),
    );
    return perUser.flat();
  }
}
