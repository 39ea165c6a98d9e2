import { createHash } from 'node:crypto';

/**
 * Deterministic position of a user within a campaign in [0, 1): the same user always lands in the same
 * group of the same campaign (on every instance), and groups are independent across campaigns.
 */
export function holdoutPosition(userId: string, campaignId: string): number {
  const h = createHash('sha1').update(`${campaignId}\u0000${userId}`).digest();
  return h.readUInt32BE(0) / 2 ** 32;
}

export function isHoldout(userId: string, campaignId: string, share: number): boolean {
  return share > 0 && holdoutPosition(userId, campaignId) < share;
}
