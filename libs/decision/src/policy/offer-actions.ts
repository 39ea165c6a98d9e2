import type { OfferType, TriggerKind } from '@offerstream/contracts';
import type { Campaign } from '../campaign/campaign.schema';

/** The items an offer is about, priced: what a discount applies to and what margin it eats into. */
export interface OfferTarget {
  readonly items: readonly string[];
  /** Price and gross margin of the main purchase (the first item, or the whole cart). */
  readonly price: number;
  readonly margin: number;
  /** Price and margin of the second item, when a bundle is possible. */
  readonly companion?: { readonly itemId: string; readonly price: number; readonly margin: number };
  /** P(buy the main purchase | no incentive). */
  readonly baseProbability: number;
}

export interface OfferAction {
  readonly id: string;
  readonly offerType: OfferType | 'none';
  /** Percent for percent_discount, amount for coupon/fixed_discount, 0 otherwise. */
  readonly value: number;
  /** What the shop gives away if the offer is redeemed (reserved against the budget). */
  readonly cost: number;
  /** Margin gained on top of the main purchase's (the companion of a bundle). */
  readonly extraMargin: number;
  readonly items: readonly string[];
}

export const NO_OFFER = 'none';

/**
 * Eligible actions for one target under a campaign. A discount that would take more than `maxMarginShare`
 * of the margin is not offered at all, so the policy can never pick it.
 */
export function eligibleActions(c: Campaign, target: OfferTarget, trigger: TriggerKind): OfferAction[] {
  const o = c.offerTypes;
  const allowance = Math.max(0, target.margin * c.maxMarginShare);
  const main = target.items.slice(0, 1);
  if (trigger === 'service_recovery') {
    // Service recovery: an apology coupon, never an upsell; still bounded by the margin when it is known.
    const amount = target.margin > 0 ? Math.min(o.serviceRecoveryCoupon, allowance) : o.serviceRecoveryCoupon;
    if (!(amount > 0)) return [];
    return [
      {
        id: `coupon${round2(amount)}`,
        offerType: 'coupon',
        value: round2(amount),
        cost: round2(amount),
        extraMargin: 0,
        items: [],
      },
    ];
  }
  const actions: OfferAction[] = [{ id: NO_OFFER, offerType: 'none', value: 0, cost: 0, extraMargin: 0, items: [] }];
  if (target.items.length === 0 || !(target.price > 0)) return actions;
  const cartLike = trigger === 'cart_abandon';
  const discountItems = cartLike ? target.items : main;
  for (const pct of o.percentDiscounts) {
    const cost = round2((target.price * pct) / 100);
    if (cost <= allowance) {
      actions.push({
        id: `pct${pct}`,
        offerType: 'percent_discount',
        value: pct,
        cost,
        extraMargin: 0,
        items: discountItems,
      });
    }
  }
  for (const amount of o.fixedCoupons) {
    if (amount <= allowance && amount < target.price) {
      actions.push({
        id: `fixed${amount}`,
        offerType: 'fixed_discount',
        value: amount,
        cost: amount,
        extraMargin: 0,
        items: discountItems,
      });
    }
  }
  if (o.freeShipping && o.shippingCost <= allowance) {
    actions.push({
      id: 'free_shipping',
      offerType: 'free_shipping',
      value: 0,
      cost: o.shippingCost,
      extraMargin: 0,
      items: discountItems,
    });
  }
  const comp = target.companion;
  if (o.bundle && comp && !cartLike) {
    const cost = round2(((target.price + comp.price) * o.bundleDiscountPercent) / 100);
    if (cost <= Math.max(0, (target.margin + comp.margin) * c.maxMarginShare)) {
      actions.push({
        id: 'bundle',
        offerType: 'bundle',
        value: o.bundleDiscountPercent,
        cost,
        extraMargin: comp.margin,
        items: [...main, comp.itemId],
      });
    }
  }
  if (o.recommendation && !cartLike) {
    actions.push({
      id: 'recommendation',
      offerType: 'recommendation',
      value: 0,
      cost: 0,
      extraMargin: 0,
      items: target.items,
    });
  }
  return actions;
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/**
 * The prefixes of action ids that name one kind of offer at a dose the campaign sets (`pct10`, `fixed5`; coupons follow
 * the margin).
 */
const DOSED = /^(pct|fixed)(\d+(?:\.\d+)?)$/;

/**
 * Pairs [smaller, larger] of one kind of offer at consecutive doses among `ids`, the largest pair first along each
 * chain (pct20 < pct30, then pct10 < pct20): what the conversion model's `doseOrder` takes.
 */
export function dosePairs(ids: readonly string[]): [string, string][] {
  const kinds = new Map<string, { id: string; dose: number }[]>();
  for (const id of ids) {
    const m = DOSED.exec(id);
    if (!m) continue;
    const list = kinds.get(m[1] as string) ?? [];
    list.push({ id, dose: Number(m[2]) });
    kinds.set(m[1] as string, list);
  }
  const pairs: [string, string][] = [];
  for (const list of kinds.values()) {
    const sorted = [...list].sort((a, b) => b.dose - a.dose);
    for (let i = 1; i < sorted.length; i++)
      pairs.push([(sorted[i] as { id: string }).id, (sorted[i - 1] as { id: string }).id]);
  }
  return pairs;
}
