import type { ClickstreamEvent } from '@offerstream/contracts';
import { traceOf } from '@offerstream/kafka';
import type { DecisionRequest } from '../engine/decision.types';
import type { UserCategoryIntent } from '../features/user-category-intent';
import type { CampaignLearning } from '../learning/campaign-stats';
import type { CartAbandonTrigger } from './cart-abandon.trigger';
import type { CategoryBrowseTrigger } from './category-browse.trigger';
import { postPurchaseTrigger } from './post-purchase.trigger';
import { serviceRecoveryTrigger } from './service-recovery.trigger';

/**
 * What one text adds to the user's intent in its category. A review names what the user already bought, so it says
 * less about what they want next than a search does; the ratio is a prior, not measured.
 */
const SEARCH_WEIGHT = 0.5;
const REVIEW_WEIGHT = 0.25;

/**
 * Routes clickstream events to the triggers: some decide at once (post-purchase, service recovery, category browse at
 * its threshold, counting views and searches mapped to the shop's categories), cart changes only move the cart's
 * deadline (the scheduler decides later), purchases also feed incrementality, and searches and reviews the user's
 * intent in the shop's categories.
 */
export class ClickstreamTriggers {
  constructor(
    private readonly carts: CartAbandonTrigger,
    private readonly browse: CategoryBrowseTrigger,
    private readonly learning: CampaignLearning,
    /** Category path of an item the event did not describe (from the catalogue); optional. */
    private readonly categoryOf: (itemId: string) => Promise<readonly string[] | undefined> = async () => undefined,
    /** Searches and reviews in the shop's categories; without it searches trigger nothing. */
    private readonly intent?: UserCategoryIntent,
  ) {}

  async handle(e: ClickstreamEvent, nowMs: number): Promise<DecisionRequest[]> {
    const requests = await this.route(e, nowMs);
    const trace = requests.length > 0 ? traceOf(e) : undefined;
    return trace ? requests.map((r) => ({ ...r, trace })) : requests;
  }

  private async route(e: ClickstreamEvent, nowMs: number): Promise<DecisionRequest[]> {
    const userId = e.userId ?? e.anonymousId;
    if (userId === undefined) return [];
    const now = new Date(nowMs);
    switch (e.type) {
      case 'add_to_cart':
        await this.carts.add(userId, e.payload.itemId, e.payload.quantity, e.payload.unitPrice, e.eventId, nowMs);
        return [];
      case 'remove_from_cart':
        await this.carts.remove(userId, e.payload.itemId, e.payload.quantity, e.eventId, nowMs);
        return [];
      case 'product_view': {
        const path = e.payload.categoryPath ?? (await this.categoryOf(e.payload.itemId).catch(() => undefined));
        const r = await this.browse.view(
          userId,
          e.payload.itemId,
          path?.[path.length - 1],
          e.payload.price,
          path,
          nowMs,
        );
        return r ? [r] : [];
      }
      case 'search': {
        const match = await this.intent?.fromText(userId, e.payload.query, SEARCH_WEIGHT);
        const r = match ? await this.browse.searched(userId, match, nowMs) : undefined;
        return r ? [r] : [];
      }
      case 'purchase':
        await Promise.all([
          this.carts.clear(userId),
          this.browse.purchased(userId),
          this.learning.purchase(userId, e.payload, nowMs),
        ]);
        return [postPurchaseTrigger(e, userId, now)];
      case 'review': {
        await this.intent?.fromText(userId, e.payload.text, REVIEW_WEIGHT);
        const r = serviceRecoveryTrigger(e, userId, now);
        return r ? [r] : [];
      }
      default:
        return [];
    }
  }
}
