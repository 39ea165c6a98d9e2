import type { Offer } from '@offerstream/contracts';

/** What a channel did with an offer: sent it (reported as `delivered`) or declined it, with why. */
export type ChannelResult = { readonly sent: true } | { readonly sent: false; readonly reason: string };

/** One way of reaching a customer. A shop plugs its e-mail service, push gateway or page slots in here. */
export interface OfferChannel {
  send(offer: Offer): Promise<ChannelResult>;
}

export type LogLine = (msg: string, fields: Record<string, unknown>) => void;

/** How an offer reads to a customer: "20% off sku-1, sku-2 until 2026-12-04T10:00:00.000Z". */
export function describeOffer(offer: Offer): string {
  const items = offer.items.length > 0 ? ` ${offer.items.join(', ')}` : '';
  const until = ` until ${offer.expiresAt}`;
  switch (offer.offerType) {
    case 'percent_discount':
      return `${offer.value}% off${items}${until}`;
    case 'fixed_discount':
    case 'coupon':
      return `${offer.value} ${offer.currency} off${items}${until}`;
    case 'free_shipping':
      return `free shipping${items ? ' on' + items : ''}${until}`;
    case 'bundle':
      return `bundle${items}${until}`;
    case 'recommendation':
      return `recommended for you:${items}`;
  }
}

/** Offers of contract 1.0 carry no channel: route them by trigger, as the decision service does. */
const CHANNEL_BY_TRIGGER: Readonly<Record<Offer['trigger'], string>> = {
  cart_abandon: 'email',
  post_purchase: 'email',
  service_recovery: 'email',
  category_browse: 'push',
  offer_request: 'site',
  http_decision: 'site',
};

export function channelOf(offer: Offer): string {
  return offer.channel ?? CHANNEL_BY_TRIGGER[offer.trigger];
}

/**
 * The example's channels: each logs what it would send instead of sending it. On-site offers are kept per user for
 * the next page view (a real shop would put them in its session store); the latest offer replaces an older one.
 */
export function loggingChannels(log: LogLine): { channels: Record<string, OfferChannel>; onSite: Map<string, Offer> } {
  const onSite = new Map<string, Offer>();
  const site: OfferChannel = {
    send: (offer) => {
      onSite.set(offer.userId, offer);
      log('would show on the next page', { channel: 'site', userId: offer.userId, offer: describeOffer(offer) });
      return Promise.resolve({ sent: true });
    },
  };
  const email: OfferChannel = {
    send: (offer) => {
      log('would send an e-mail', { channel: 'email', userId: offer.userId, offer: describeOffer(offer) });
      return Promise.resolve({ sent: true });
    },
  };
  const push: OfferChannel = {
    send: (offer) => {
      log('would send a push notification', { channel: 'push', userId: offer.userId, offer: describeOffer(offer) });
      return Promise.resolve({ sent: true });
    },
  };
  return { channels: { site, app: site, email, push }, onSite };
}
