import type { Logger } from '@offerstream/core';
import type { Campaign } from './campaign.schema';
import type { CampaignStore } from './campaign.store';

/**
 * The campaigns a running instance decides with. It polls the store's change counter (one GET per interval)
 * and reloads everything when it moved, so edits made through any instance apply everywhere within one
 * interval and without a restart.
 */
export class CampaignCache {
  private campaigns: Campaign[] = [];
  private seen = -1;
  private timer: NodeJS.Timeout | undefined;

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
    this.campaigns = await this.store.list();
    this.seen = counter;
    this.logger?.info('campaigns loaded', { count: this.campaigns.length, version: counter });
  }

  async start(): Promise<void> {
    await this.refresh(true);
    this.timer = setInterval(() => {
      this.refresh().catch((e: unknown) => this.logger?.warn('campaign poll failed', { error: e }));
    }, this.pollMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
