import type { TriggerKind } from '@offerstream/contracts';
import { cartTargeting } from './cart-abandon.targeting';
import { recommendedTargeting } from './recommended.targeting';
import { serviceRecoveryTargeting } from './service-recovery.targeting';
import type { Targeting } from './targeting';
import { viewedItemTargeting } from './viewed-item.targeting';

/** What each trigger's offer applies to (see each strategy); adding a trigger adds one line here. */
export const TARGETING: Readonly<Record<TriggerKind, Targeting>> = {
  cart_abandon: cartTargeting,
  service_recovery: serviceRecoveryTargeting,
  offer_request: viewedItemTargeting,
  // The page's items are candidates among others: the caller asks what to show, not what to discount.
  http_decision: recommendedTargeting,
  category_browse: recommendedTargeting,
  post_purchase: recommendedTargeting,
};
