import { PeriodicTask, type Logger } from '@offerstream/core';
import type { Campaign } from './campaign.schema';
import type { CampaignStore } from './campaign.store';

/**
 * The campaigns a running instance decides with. It polls the store's change counter (one GET per interval)
 * and reloads everything when it moved, so edits made through any instance apply everywhere within one
 * interval and without a restart. Budget limits and pause state do not wait for it: the reservation script reads
 * them from Redis on every offer.
 */
export class CampaignCache {
  private campaigns: Campaign[] = [];
  private seen = -1;
  private poll: PeriodicTask | undefined;

  constructor(
    private readonly store: CampaignStore,
    private readonly pollMs: number,
    private readonly logger?: Logger,
  ) {}

  get all(): readonly Campaign[] {
    return this.campaigns;
  }

  get version(): number {
    return this.seen;
  }

  async refresh(force = false): Promise<void> {
    const counter = await this.store.changeCounter();
    if (!force && counter === this.seen) return;
    const campaigns = await this.store.list();
    // Repairs a limits mirror lost between a definition write and its mirror (no-op when already current).
    await Promise.all(campaigns.map((c) => this.store.mirrorLimits(c)));
    this.campaigns = campaigns;
    this.seen = counter;
    this.logger?.info('campaigns loaded', { count: this.campaigns.length, version: counter });
  }

  async start(): Promise<void> {
    await this.refresh(true);
    this.poll = new PeriodicTask('campaign poll', this.pollMs, () => this.refresh(), this.logger);
    this.poll.start();
  }

  async stop(): Promise<void> {
    await this.poll?.stop();
    this.poll = undefined;
  }
}
