import type { HillstromCustomer } from './hillstrom-dataset';

/**
 * Dense encoding shared by training and the decision service. Trees only need monotone transforms, but
 * the one-hots and the log keep the same vector usable by the linear bandit, so the order here is a
 * contract: serialized models store these names and refuse vectors of another layout.
 */
export const HILLSTROM_FEATURE_NAMES = [
  'recency',
  'log_history',
  'history_segment',
  'mens',
  'womens',
  'both_genders',
  'newbie',
  'zip_urban',
  'zip_suburban',
  'zip_rural',
  'channel_web',
  'channel_phone',
  'channel_multichannel',
] as const;

export function encodeHillstromCustomer(c: HillstromCustomer): number[] {
  const zip = c.zipCode.toLowerCase();
  const channel = c.channel.toLowerCase();
  const segment = Number.parseInt(c.historySegment, 10);
  return [
    c.recency,
    Math.log1p(Math.max(0, c.history)),
    Number.isFinite(segment) ? segment : 0,
    c.mens,
    c.womens,
    c.mens * c.womens,
    c.newbie,
    zip === 'urban' ? 1 : 0,
    zip === 'surburban' || zip === 'suburban' ? 1 : 0,
    zip === 'rural' ? 1 : 0,
    channel === 'web' ? 1 : 0,
    channel === 'phone' ? 1 : 0,
    channel === 'multichannel' ? 1 : 0,
  ];
}
