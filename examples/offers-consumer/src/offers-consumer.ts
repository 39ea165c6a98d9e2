import { randomUUID } from 'node:crypto';
import type { Consumer, IHeaders, Kafka, Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import {
  CONTRACT_VERSION,
  decodeEvent,
  encodeEvent,
  TOPICS,
  type Offer,
  type OfferOutcomeEvent,
} from '@offerstream/contracts';
import { channelOf, type LogLine, type OfferChannel } from './offer-channels';

export interface OffersConsumerOptions {
  readonly kafka: Kafka;
  readonly groupId: string;
  /** Prefix of the topic names (KAFKA_TOPIC_PREFIX of the services), empty in most deployments. */
  readonly topicPrefix?: string;
  readonly channels: Readonly<Record<string, OfferChannel>>;
  readonly log: LogLine;
  /** Name this consumer reports outcomes as (the envelope's `producer`). */
  readonly producerName?: string;
  readonly now?: () => Date;
  /** Offer ids remembered for de-duplication (the same offer can appear twice after a producer crash). */
  readonly dedupeSize?: number;
}

export type OfferOutcome = OfferOutcomeEvent['payload']['outcome'];

/**
 * Reads the offers topic and hands each offer to the channel it is for, then reports what happened on the
 * offer-outcomes topic: `delivered` once a channel sent it, `expire` for an offer that was already void when it
 * arrived (its budget goes back to the campaign). The offset is committed only after the outcome is acknowledged,
 * so a crash re-reads the offer instead of losing it; the offer id de-duplicates re-reads and the rare offer
 * published twice. Call `report` from checkout (`redeem`) or the UI (`impression`, `click`, `dismiss`).
 */
export class OffersConsumer {
  private readonly consumer: Consumer;
  private readonly producer: Producer;
  private readonly seen = new Set<string>();
  private readonly topic: string;
  private readonly outcomesTopic: string;

  constructor(private readonly opts: OffersConsumerOptions) {
    this.consumer = opts.kafka.consumer({ groupId: opts.groupId });
    // Kafka's default murmur2 partitioner, as the contract's key rule expects (outcomes keyed by user).
    this.producer = opts.kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
    this.topic = (opts.topicPrefix ?? '') + TOPICS.offers.name;
    this.outcomesTopic = (opts.topicPrefix ?? '') + TOPICS.offerOutcomes.name;
  }

  async start(fromBeginning = false): Promise<void> {
    await this.producer.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning });
    await this.consumer.run({ eachMessage: async ({ message }) => this.handle(message.value, message.headers) });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
    await this.producer.disconnect();
  }

  /**
   * Reports an outcome of an offer (redeem with the order's revenue, click, dismiss, ...). `trace` is the offer
   * message's W3C trace headers, if kept: the outcome then shows in the same trace as the event and the decision.
   */
  async report(
    offer: Pick<Offer, 'offerId' | 'userId' | 'campaignId'>,
    outcome: OfferOutcome,
    revenue?: number,
    trace: IHeaders = {},
  ) {
    const event: OfferOutcomeEvent = {
      eventId: randomUUID(),
      schemaVersion: CONTRACT_VERSION,
      occurredAt: (this.opts.now?.() ?? new Date()).toISOString(),
      producer: this.opts.producerName ?? 'offers-consumer-example',
      userId: offer.userId,
      type: 'offer_outcome',
      payload: { offerId: offer.offerId, campaignId: offer.campaignId, outcome, ...(revenue ? { revenue } : {}) },
    };
    await this.producer.send({
      topic: this.outcomesTopic,
      acks: -1,
      messages: [{ key: offer.userId, value: encodeEvent(TOPICS.offerOutcomes, event), headers: trace }],
    });
  }

  private async handle(value: Buffer | null, headers: IHeaders = {}): Promise<void> {
    const decoded = decodeEvent(TOPICS.offers, value);
    if (!decoded.ok) {
      // Not ours to repair: the decision service validates what it produces, so this is a contract mismatch.
      this.opts.log('skipped an invalid offer', { reason: decoded.error.message, bytes: value?.length ?? 0 });
      return;
    }
    const offer = decoded.event.payload;
    if (this.seen.has(offer.offerId)) return;
    const now = this.opts.now?.() ?? new Date();
    if (Date.parse(offer.expiresAt) <= now.getTime()) {
      await this.report(offer, 'expire', undefined, traceHeaders(headers));
      this.opts.log('offer expired before it could be sent', { offerId: offer.offerId });
    } else {
      const channel = channelOf(offer);
      const sender = this.opts.channels[channel];
      const result = sender ? await sender.send(offer) : ({ sent: false, reason: `no channel ${channel}` } as const);
      if (result.sent) await this.report(offer, 'delivered', undefined, traceHeaders(headers));
      // Declined offers get no outcome: the decision service releases their budget when they expire.
      else this.opts.log('offer not sent', { offerId: offer.offerId, channel, reason: result.reason });
    }
    this.remember(offer.offerId);
  }

  private remember(offerId: string): void {
    this.seen.add(offerId);
    const max = this.opts.dedupeSize ?? 100_000;
    // A Set iterates in insertion order: drop the oldest ids first.
    for (const old of this.seen) {
      if (this.seen.size <= max) break;
      this.seen.delete(old);
    }
  }
}

/** The offer's W3C trace context headers, copied onto its outcome (no tracing library needed to pass them on). */
function traceHeaders(headers: IHeaders): IHeaders {
  const out: IHeaders = {};
  for (const name of ['traceparent', 'tracestate']) if (headers[name] !== undefined) out[name] = headers[name];
  return out;
}
