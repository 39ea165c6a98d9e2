import type { Cluster, Redis } from 'ioredis';
import { RedisKeys, type RedisClient } from '@offerstream/redis';

/** Entries scanned per call when searching shared structures for a user's entries. */
const SCAN_COUNT = 1000;

/**
 * Forgets a user in the decision service's state: caps and trigger-once claims with their unpublished decision
 * records, browse counts and category intent, the offers list, campaign membership and the user's revenue and profit
 * in every campaign's figures, the pending cart, the decisions still awaiting their reward and the joined reward log,
 * and the console's offer feed. Budget ledger entries (an offer's reservation and record) are kept: they are the
 * financial record of money promised (see docs/security.md). Idempotent: running it again after a concurrent
 * settlement moved an entry finds and removes that entry too.
 */
export class DecisionUserEraser {
  constructor(private readonly redis: RedisClient) {}

  /** Returns the number of keys and entries removed. */
  async eraseUser(userId: string): Promise<number> {
    const counts = await Promise.all([
      this.userSlot(userId),
      this.campaignFigures(userId),
      this.pendingCart(userId),
      this.learning(userId),
      this.listEntries(RedisKeys.decision.offerFeed(), userId),
    ]);
    return counts.reduce((a, b) => a + b, 0);
  }

  private async userSlot(userId: string): Promise<number> {
    const [once, records] = await Promise.all([
      this.scanKeys(RedisKeys.decision.userTriggerOnce(userId, '')),
      this.scanKeys(RedisKeys.decision.userTriggerRecord(userId, '')),
    ]);
    const keys = [
      RedisKeys.decision.userCampaigns(userId),
      RedisKeys.decision.userBrowse(userId),
      RedisKeys.decision.userCategoryIntent(userId),
      RedisKeys.user.offers(userId),
      ...once,
      ...records,
    ];
    // One slot (the user's hash tag), so one DEL works on a Cluster too.
    return this.redis.del(...keys);
  }

  private async campaignFigures(userId: string): Promise<number> {
    const ids = await this.redis.smembers(RedisKeys.campaign.index());
    const removed = await Promise.all(
      ids.flatMap((id) => [
        this.redis.del(RedisKeys.campaign.statsMember(id, userId)),
        // Memberships from before they expired, not yet moved by a decision or purchase of the user.
        this.redis.hdel(RedisKeys.campaign.statsMembers(id), userId),
        this.redis.hdel(RedisKeys.campaign.statsRevenue(id), userId),
        this.redis.hdel(RedisKeys.campaign.statsProfit(id), userId),
      ]),
    );
    return removed.reduce((a, b) => a + b, 0);
  }

  private async pendingCart(userId: string): Promise<number> {
    const [a, b] = await Promise.all([
      this.redis.zrem(RedisKeys.decision.pendingCarts(), userId),
      this.redis.hdel(RedisKeys.decision.pendingCartItems(), userId),
    ]);
    return a + b;
  }

  private async learning(userId: string): Promise<number> {
    const pending = RedisKeys.decision.learnPending();
    const ids: string[] = [];
    let cursor = '0';
    do {
      const [next, flat] = await this.redis.hscan(pending, cursor, 'COUNT', SCAN_COUNT);
      cursor = next;
      for (let i = 0; i + 1 < flat.length; i += 2) {
        if (ownedBy(flat[i + 1] ?? '', userId)) ids.push(flat[i] ?? '');
      }
    } while (cursor !== '0');
    let removed = await this.redis.hdel(RedisKeys.decision.learnLatest(), userId);
    if (ids.length > 0) {
      const [a, b, c] = await Promise.all([
        this.redis.hdel(pending, ...ids),
        this.redis.zrem(RedisKeys.decision.learnDue(), ...ids),
        this.redis.hdel(RedisKeys.decision.learnReward(), ...ids),
      ]);
      removed += a + b + c;
    }
    return removed + (await this.listEntries(RedisKeys.decision.learnLog(), userId));
  }

  /** Removes the JSON entries of a bounded list that carry the user id. */
  private async listEntries(key: string, userId: string): Promise<number> {
    const raw = await this.redis.lrange(key, 0, -1);
    const mine = [...new Set(raw.filter((r) => ownedBy(r, userId)))];
    const removed = await Promise.all(mine.map((r) => this.redis.lrem(key, 0, r)));
    return removed.reduce((a, b) => a + b, 0);
  }

  /** Keys starting with `start` (a key built by RedisKeys), on every master of a Cluster; without the client prefix. */
  private async scanKeys(start: string): Promise<string[]> {
    const prefix = this.redis.isCluster
      ? ((this.redis as Cluster).options.keyPrefix ?? '')
      : ((this.redis as Redis).options.keyPrefix ?? '');
    const pattern = `${globEscape(prefix + start)}*`;
    const nodes: Redis[] = this.redis.isCluster ? (this.redis as Cluster).nodes('master') : [this.redis as Redis];
    const out: string[] = [];
    for (const node of nodes) {
      let cursor = '0';
      do {
        // SCAN patterns are not prefixed by ioredis: the full pattern is given, the prefix taken off the result.
        const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT);
        cursor = next;
        out.push(...keys.map((k) => k.slice(prefix.length)));
      } while (cursor !== '0');
    }
    return out;
  }
}

function ownedBy(json: string, userId: string): boolean {
  try {
    const v = JSON.parse(json) as { userId?: unknown };
    return v.userId === userId;
  } catch {
    return false;
  }
}

const globEscape = (s: string): string => s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
