import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DECISION_RUNTIME } from './decision-service.tokens';
import type { DecisionRuntime } from './decision-runtime';

/**
 * The cart-abandonment clock: claims carts past their idle deadline (atomically, so with several instances
 * each cart is decided once), decides, publishes, then acknowledges. A claim that is never acknowledged
 * comes back after its lease and is absorbed by the trigger-once marker.
 */
@Injectable()
export class CartScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(@Inject(DECISION_RUNTIME) private readonly rt: DecisionRuntime) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick()
        .catch((e: unknown) => this.rt.logger.warn('cart scheduler tick failed', { error: e }))
        .finally(() => {
          this.running = undefined;
          this.schedule();
        });
    }, this.rt.config.service.CART_POLL_MS);
  }

  private async tick(): Promise<void> {
    for (;;) {
      const due = await this.rt.carts.claimDue(Date.now(), 100);
      if (due.length === 0) return;
      await this.rt.decideAndPublish(due.map((d) => d.request));
      await Promise.all(due.map((d) => this.rt.carts.ack(d.request.userId, d.leaseScore)));
      if (due.length < 100 || this.stopped) return;
    }
  }
}
