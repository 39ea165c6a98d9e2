import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PeriodicTask, type Logger } from '@offerstream/core';
import { CartAbandonTrigger } from '@offerstream/decision';
import { SERVICE_LOGGER } from '@offerstream/platform';
import type { DecisionServiceConfig } from './decision-service.config';
import { DECISION_CONFIG } from './decision-service.tokens';
import { DecisionService } from './decision.service';

/**
 * The cart-abandonment clock: claims carts past their idle deadline (atomically, so with several instances
 * each cart is decided once), decides, publishes, then acknowledges. A claim that is never acknowledged
 * comes back after its lease and is absorbed by the trigger-once marker.
 */
@Injectable()
export class CartScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task: PeriodicTask;

  constructor(
    @Inject(DECISION_CONFIG) config: DecisionServiceConfig,
    @Inject(SERVICE_LOGGER) logger: Logger,
    @Inject(CartAbandonTrigger) private readonly carts: CartAbandonTrigger,
    @Inject(DecisionService) private readonly decisions: DecisionService,
  ) {
    this.task = new PeriodicTask('cart scheduler tick', config.service.CART_POLL_MS, () => this.tick(), logger);
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }

  private async tick(): Promise<void> {
    for (;;) {
      const due = await this.carts.claimDue(Date.now(), 100);
      if (due.length === 0) return;
      await this.decisions.decideAndPublish(due.map((d) => d.request));
      await Promise.all(due.map((d) => this.carts.ack(d.request.userId, d.leaseScore)));
      if (due.length < 100 || !this.task.isActive) return;
    }
  }
}
