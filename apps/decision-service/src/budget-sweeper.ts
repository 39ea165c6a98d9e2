import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PeriodicTask, type Logger } from '@offerstream/core';
import { CampaignCache, OfferRecordStore, ReservationStore, type Decision } from '@offerstream/decision';
import { METRICS_REGISTRY, SERVICE_LOGGER } from '@offerstream/platform';
import { Counter, type Registry } from 'prom-client';
import type { DecisionServiceConfig } from './decision-service.config';
import { DECISION_CONFIG } from './decision-service.tokens';
import { OfferPublisher } from './offer-publisher';

/** Outbox entries published per campaign and sweep; the next sweep takes the rest. */
const OUTBOX_BATCH = 200;

/**
 * Two sweeps every instance runs over every campaign. Budget: gives back the budget of offers whose redemption
 * window passed with no redeem, dismiss or expire outcome (the release script decides each reservation once, so
 * instances never double-release). Outbox: publishes offers that were recorded (budget reserved) but never
 * acknowledged by Kafka, older than OUTBOX_GRACE_MS: an HTTP decision whose fire-and-forget publish failed or whose
 * process died before it, or a consumed trigger that will not be redelivered. They go out with their original offer
 * id, so a consumer seeing one twice (two instances sweeping at once, a slow first publish) can tell.
 */
@Injectable()
export class BudgetSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task: PeriodicTask;
  private readonly outboxGraceMs: number;
  private readonly fromOutbox: Counter;

  constructor(
    @Inject(DECISION_CONFIG) config: DecisionServiceConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(CampaignCache) private readonly cache: CampaignCache,
    @Inject(ReservationStore) private readonly reservations: ReservationStore,
    @Inject(OfferRecordStore) private readonly records: OfferRecordStore,
    @Inject(OfferPublisher) private readonly publisher: OfferPublisher,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.outboxGraceMs = config.service.OUTBOX_GRACE_MS;
    this.fromOutbox = new Counter({
      name: 'offerstream_outbox_published_total',
      help: 'Offers published by the outbox sweep: recorded, never acknowledged by Kafka after OUTBOX_GRACE_MS',
      registers: [registry],
    });
    this.task = new PeriodicTask('budget sweep', config.service.BUDGET_SWEEP_MS, () => this.tick(), logger);
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }

  private async tick(): Promise<void> {
    const now = Date.now();
    // Ended and paused campaigns too: their open reservations still belong in their final figures.
    for (const c of this.cache.all) {
      if (!this.task.isActive) return;
      const released = await this.reservations.releaseDue(c.id, now);
      if (released > 0) this.logger.info('released unused offer budget', { campaignId: c.id, released });
      const published = await this.sweepOutbox(c.id, now);
      if (published > 0) this.logger.warn('published offers left in the outbox', { campaignId: c.id, published });
    }
  }

  /** Publishes what is due in one campaign's outbox; returns how many offers went out. */
  async sweepOutbox(campaignId: string, nowMs: number): Promise<number> {
    const due = await this.records.outbox(campaignId, nowMs - this.outboxGraceMs, OUTBOX_BATCH);
    const stale: string[] = [];
    const decisions: Decision[] = [];
    for (const { offerId, record } of due) {
      const offer = record?.published?.offer;
      // An expired offer is not sent late (its reservation is released by the window sweep); nor is one whose
      // record has expired.
      if (!record || !offer || Date.parse(offer.expiresAt) <= nowMs) {
        stale.push(offerId);
        continue;
      }
      const logged = record.published?.record;
      decisions.push({
        decisionId: logged?.decisionId ?? offerId,
        kind: 'offer',
        reason: 'outbox',
        triggerId: offer.triggerId,
        userId: offer.userId,
        campaignId,
        offer,
        reasonCodes: offer.reasonCodes,
        ...(logged ? { record: logged } : {}),
      });
    }
    await this.records.dropFromOutbox(campaignId, stale);
    // Acknowledged offers leave the outbox through the publisher's onPublished hook.
    if (decisions.length > 0) {
      await this.publisher.publish(decisions);
      this.fromOutbox.inc(decisions.length);
    }
    return decisions.length;
  }
}
