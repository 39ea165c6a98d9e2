import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PeriodicTask } from '@offerstream/core';
import { DECISION_RUNTIME } from './decision-service.tokens';
import type { DecisionRuntime } from './decision-runtime';

/**
 * The cart-abandonment clock: claims carts past their idle deadline (atomically, so with several instances
 * each cart is decided once), decides, publishes, then acknowledges. A claim that is never acknowledged
 * comes back after its lease and is absorbed by the trigger-once marker.
 */
@Injectable()
export class CartScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task: PeriodicTask;

  constructor(@Inject(DECISION_RUNTIME) private readonly rt: DecisionRuntime) {
    this.task = new PeriodicTask('cart scheduler tick', rt.config.service.CART_POLL_MS, () => this.tick(), rt.logger);
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }

  private async tick(): Promise<void> {
    for (;;) {
      const due = await this.rt.carts.claimDue(Date.now(), 100);
      if (due.length === 0) return;
      await this.rt.decideAndPublish(due.map((d) => d.request));
      await Promise.all(due.map((d) => this.rt.carts.ack(d.request.userId, d.leaseScore)));
      if (due.length < 100 || !this.task.isActive) return;
    }
  }
}
