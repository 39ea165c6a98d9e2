import { randomUUID } from 'node:crypto';
import { TOPICS, type CatalogEvent, type ClickstreamEvent, type OfferRequestEvent } from '@offerstream/contracts';
import { generateClickstream } from '@offerstream/testing';
import type { Kafka, Message, Producer } from 'kafkajs';

export const CHAOS_ITEMS = 40;
export const CHAOS_CAMPAIGN = 'chaos';
export const CHAOS_CHANNEL = 'chaos';
export const HOLDOUT_SHARE = 0.2;
const CATS = ['shoes', 'hats', 'phones', 'books', 'coffee'];

export interface WorkloadSize {
  clickstream: number;
  users: number;
  offerRequests: number;
  /** Money of the campaign: small enough that the budget runs out during the run. */
  budgetSpend: number;
}

export const QUICK_SIZE: WorkloadSize = { clickstream: 2_000, users: 60, offerRequests: 120, budgetSpend: 500 };
export const FULL_SIZE: WorkloadSize = { clickstream: 24_000, users: 300, offerRequests: 1_200, budgetSpend: 1_000 };

export function catalogEvents(): CatalogEvent[] {
  return Array.from({ length: CHAOS_ITEMS }, (_, i) => ({
    eventId: `chaos-item-${i}`,
    schemaVersion: '1.0',
    occurredAt: '2025-12-01T00:00:00Z',
    producer: 'chaos',
    type: 'item_upsert' as const,
    payload: {
      itemId: `item-${i}`,
      title: `${CATS[i % 5]} model ${i % 7}`,
      description: `a ${CATS[i % 5]} item`,
      categoryPath: ['all', CATS[i % 5] ?? 'x'],
      brand: `brand-${i % 4}`,
      price: 5 + ((i * 37) % 120),
      currency: 'EUR',
      cost: 2,
      stock: 100,
      tags: [],
    },
  }));
}

export function campaignBody(size: WorkloadSize): Record<string, unknown> {
  return {
    id: CHAOS_CAMPAIGN,
    name: 'chaos run',
    budget: { spend: size.budgetSpend, count: 100_000 },
    holdoutShare: HOLDOUT_SHARE,
    offerTypes: { percentDiscounts: [10, 20], freeShipping: true, bundle: false, recommendation: false },
    caps: { perUser: 1_000, cooldownMinutes: 0 },
    eligibility: { channels: [CHAOS_CHANNEL] },
  };
}

export function offerRequest(userId: string, itemId: string): OfferRequestEvent {
  return {
    eventId: randomUUID(),
    schemaVersion: '1.0',
    occurredAt: new Date().toISOString(),
    producer: 'chaos',
    type: 'offer_request',
    payload: { userId, placement: 'home', context: { channel: CHAOS_CHANNEL, itemId }, maxItems: 3 },
  };
}

type Item = { topic: string; message: Message };

/**
 * The known event set, streamed in the background while faults are injected: the seeded clickstream with an offer
 * request every few events. A send that fails (broker down, stopped or restarting) is retried until it succeeds,
 * so nothing the run means to send is dropped; a retry may duplicate a batch, which the checks read from the topic
 * as every consumer would.
 */
export class Streamer {
  readonly clickstream: ClickstreamEvent[];
  readonly requests: OfferRequestEvent[] = [];
  private readonly queue: Item[] = [];
  private sent = 0;
  private stopped = false;
  private loop: Promise<void> | undefined;
  failedSends = 0;

  constructor(
    private readonly producer: Producer,
    size: WorkloadSize,
    seed: number,
    private readonly chunk: number,
    private readonly intervalMs: number,
  ) {
    this.clickstream = [...generateClickstream(size.clickstream, { users: size.users, items: CHAOS_ITEMS, seed })];
    const every = Math.max(1, Math.floor(size.clickstream / size.offerRequests));
    this.clickstream.forEach((e, i) => {
      this.queue.push({
        topic: TOPICS.clickstream.name,
        message: { key: e.userId ?? e.anonymousId ?? null, value: JSON.stringify(e) },
      });
      if (i % every === 0 && this.requests.length < size.offerRequests) {
        const r = offerRequest(`req-user-${this.requests.length % size.users}`, `item-${i % CHAOS_ITEMS}`);
        this.requests.push(r);
        this.queue.push({
          topic: TOPICS.offerRequests.name,
          message: { key: r.payload.userId, value: JSON.stringify(r) },
        });
      }
    });
  }

  static async producer(kafka: Kafka): Promise<Producer> {
    const p = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await p.connect();
    return p;
  }

  /**
   * 1-based position of an offer request in the streamed set, to place it among the faults (their logs say how far the
   * stream was).
   */
  positionOf(eventId: string): number | undefined {
    const i = this.queue.findIndex(
      (q) => q.topic === TOPICS.offerRequests.name && String(q.message.value).includes(eventId),
    );
    return i < 0 ? undefined : i + 1;
  }

  get total(): number {
    return this.queue.length;
  }

  get progress(): number {
    return this.sent;
  }

  get finished(): boolean {
    return this.sent >= this.queue.length;
  }

  start(): void {
    this.loop = this.run();
  }

  /** Resolves once every event of the set is on the broker. */
  async drain(): Promise<void> {
    await this.loop;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped && this.sent < this.queue.length) {
      const batch = this.queue.slice(this.sent, this.sent + this.chunk);
      const byTopic = new Map<string, Message[]>();
      for (const it of batch) byTopic.set(it.topic, [...(byTopic.get(it.topic) ?? []), it.message]);
      try {
        await this.producer.sendBatch({
          topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
        });
        this.sent += batch.length;
      } catch {
        this.failedSends++;
      }
      await new Promise((r) => setTimeout(r, this.intervalMs));
    }
  }
}
