import { join } from 'node:path';
import { TransientError } from '@offerstream/core';
import { loadLuaScripts, RedisKeys, runLua, type RedisClient } from '@offerstream/redis';
import type { DecisionRequest } from '../engine/decision.types';

interface StoredCart {
  cartId: string;
  items: Record<string, { q: number; p?: number }>;
}

export interface DueCart {
  readonly request: DecisionRequest;
  readonly leaseScore: string;
}

/**
 * Cart abandonment: every cart change pushes the cart's deadline to now + idle time in a sorted set; a
 * scheduler loop claims due carts atomically (lease, so a crashed claimer's carts come back) and turns each
 * into a decision whose trigger id is the cart's id. A purchase clears the cart.
 */
export class CartAbandonTrigger {
  constructor(
    private readonly redis: RedisClient,
    private readonly idleMs: number,
    private readonly leaseMs = 30_000,
  ) {
    loadLuaScripts(redis, join(__dirname, '..', 'lua'));
  }

  async add(
    userId: string,
    itemId: string,
    quantity: number,
    unitPrice: number | undefined,
    eventId: string,
    nowMs: number,
  ): Promise<void> {
    await this.track(userId, 'add', itemId, quantity, unitPrice, eventId, nowMs);
  }

  async remove(userId: string, itemId: string, quantity: number, eventId: string, nowMs: number): Promise<void> {
    await this.track(userId, 'remove', itemId, quantity, undefined, eventId, nowMs);
  }

  async clear(userId: string): Promise<void> {
    await this.track(userId, 'clear', '', 0, undefined, '', 0);
  }

  async claimDue(nowMs: number, limit: number): Promise<DueCart[]> {
    const flat = await runLua<string[]>(
      this.redis,
      'claimDueCarts',
      [RedisKeys.decision.pendingCarts(), RedisKeys.decision.pendingCartItems()],
      [nowMs, this.leaseMs, limit],
    );
    const out: DueCart[] = [];
    for (let i = 0; i + 2 < flat.length; i += 3) {
      const userId = flat[i] as string;
      const leaseScore = flat[i + 1] as string;
      const raw = flat[i + 2] as string;
      if (raw === '') {
        await this.ack(userId, leaseScore);
        continue;
      }
      const cart = JSON.parse(raw) as StoredCart;
      const lines = Object.entries(cart.items).map(([itemId, l]) => ({
        itemId,
        quantity: l.q,
        ...(l.p !== undefined ? { price: l.p } : {}),
      }));
      out.push({
        leaseScore,
        request: {
          trigger: 'cart_abandon',
          triggerId: `cart_abandon:${userId}:${cart.cartId}`,
          userId,
          seeds: lines,
          cart: lines,
          now: new Date(nowMs),
        },
      });
    }
    return out;
  }

  async ack(userId: string, leaseScore: string): Promise<void> {
    await runLua<number>(
      this.redis,
      'ackCart',
      [RedisKeys.decision.pendingCarts(), RedisKeys.decision.pendingCartItems()],
      [userId, leaseScore],
    );
  }

  async pending(): Promise<number> {
    return this.redis.zcard(RedisKeys.decision.pendingCarts());
  }

  private async track(
    userId: string,
    op: string,
    itemId: string,
    q: number,
    price: number | undefined,
    eventId: string,
    nowMs: number,
  ): Promise<void> {
    try {
      await runLua<number>(
        this.redis,
        'trackCart',
        [RedisKeys.decision.pendingCarts(), RedisKeys.decision.pendingCartItems()],
        [userId, op, itemId, q, price === undefined ? '' : price, nowMs + this.idleMs, eventId],
      );
    } catch (e) {
      throw new TransientError('REDIS_SCRIPT_FAILED', 'cart tracking failed', e, { userId });
    }
  }
}
