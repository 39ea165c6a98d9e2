import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { TOPICS, type ClickstreamEvent, type OfferOutcomeEvent } from '@offerstream/contracts';
import { OfferStreamError, type Logger } from '@offerstream/core';
import {
  CampaignLearning,
  ClickstreamTriggers,
  erasedUsers,
  offerRequestTrigger,
  type DecisionRequest,
} from '@offerstream/decision';
import { BatchConsumer, type ConsumedEvent } from '@offerstream/kafka';
import { CONSUMER_INFRA, REDIS, SERVICE_LOGGER, type ConsumerInfra } from '@offerstream/platform';
import type { RedisClient } from '@offerstream/redis';
import type { DecisionServiceConfig } from './decision-service.config';
import { DECISION_CONFIG } from './decision-service.tokens';
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
@Injectable()
export class DecisionConsumers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly consumers: { start(): Promise<void>; stop(): Promise<void> }[];

  constructor(
    @Inject(CONSUMER_INFRA) infra: ConsumerInfra,
    @Inject(DECISION_CONFIG) config: DecisionServiceConfig,
    @Inject(SERVICE_LOGGER) logger: Logger,
    @Inject(DecisionService) decisions: DecisionService,
    @Inject(ClickstreamTriggers) private readonly triggers: ClickstreamTriggers,
    @Inject(CampaignLearning) learning: CampaignLearning,
    @Inject(REDIS) private readonly redis: RedisClient,
  ) {
    const s = config.service;
    const common = { ...infra, logger, partitionsConsumedConcurrently: s.PARTITIONS_CONCURRENTLY };
    this.consumers = [
      new BatchConsumer({
        ...common,
        groupId: `${s.CONSUMER_GROUP}.clickstream`,
        topic: TOPICS.clickstream,
        handler: async (events) => {
          await decisions.decideAndPublish(await this.clickstreamRequests(events));
        },
      }),
      new BatchConsumer({
        ...common,
        groupId: `${s.CONSUMER_GROUP}.offer-requests`,
        topic: TOPICS.offerRequests,
        handler: async (events) => {
          const now = new Date();
          await decisions.decideAndPublish(events.map((e) => offerRequestTrigger(e.event, now)));
        },
      }),
      new BatchConsumer({
        ...common,
        groupId: `${s.CONSUMER_GROUP}.offer-outcomes`,
        topic: TOPICS.offerOutcomes,
        handler: async (events) => {
          // Outcomes of offers this system never made, or naming another campaign than the offer's, are not
          // counted: they go to the DLQ with the reason, for whoever sends them to look at.
          const rejected = [];
          for (const e of events) {
            const r = await learning.outcome(e.event);
            if (r === 'unknown_offer' || r === 'campaign_mismatch')
              rejected.push({ event: e, error: outcomeRefused(r, e.event) });
          }
          return { rejected };
        },
      }),
    ];
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

  async onApplicationBootstrap(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.start()));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.stop()));
  }
}
