import { Inject, Injectable } from '@nestjs/common';
import { context, SpanStatusCode, type Span } from '@opentelemetry/api';
import type { Logger } from '@offerstream/core';
import { DecisionEngine, type Decision, type DecisionRequest } from '@offerstream/decision';
import { SERVICE_LOGGER, serviceTracer } from '@offerstream/platform';
import { DecisionMetrics } from './decision-metrics';
import type { DecisionServiceConfig } from './decision-service.config';
import { DECISION_CONFIG } from './decision-service.tokens';
import { OfferPublisher } from './offer-publisher';

/** Deciding with metrics and logs, and handing what was decided to the publisher: what HTTP and consumers share. */
@Injectable()
export class DecisionService {
  private readonly concurrency: number;

  constructor(
    @Inject(DecisionEngine) private readonly engine: DecisionEngine,
    @Inject(DecisionMetrics) private readonly metrics: DecisionMetrics,
    @Inject(OfferPublisher) private readonly publisher: OfferPublisher,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(DECISION_CONFIG) config: DecisionServiceConfig,
  ) {
    this.concurrency = config.service.DECISION_CONCURRENCY;
  }

  /**
   * Decides, and hands the decision to `then` (the publisher) inside the decision's span when tracing is on: the
   * span is the child of what triggered it (the consumed event's span, the HTTP request's) and the parent of the
   * offer's `traceparent`.
   */
  async decide(req: DecisionRequest, then: (d: Decision) => void = () => undefined): Promise<Decision> {
    const tracer = serviceTracer();
    if (!tracer) {
      const d = await this.decideUntraced(req);
      then(d);
      return d;
    }
    const attributes = { 'offerstream.trigger': req.trigger, 'offerstream.trigger_id': req.triggerId };
    return tracer.startActiveSpan('decide', { attributes }, req.trace ?? context.active(), async (span: Span) => {
      try {
        const d = await this.decideUntraced(req);
        span.setAttributes({ 'offerstream.decision.kind': d.kind, 'offerstream.decision_id': d.decisionId });
        if (d.offer) span.setAttribute('offerstream.offer_id', d.offer.offerId);
        then(d);
        return d;
      } catch (e) {
        span.setStatus({ code: SpanStatusCode.ERROR });
        span.recordException(e instanceof Error ? e : String(e));
        throw e;
      } finally {
        span.end();
      }
    });
  }

  private async decideUntraced(req: DecisionRequest): Promise<Decision> {
    const started = process.hrtime.bigint();
    let d: Decision;
    try {
      d = await this.engine.decide(req);
    } catch (e) {
      this.metrics.failed(req);
      throw e;
    }
    this.metrics.observe(req, d, started);
    if (d.kind !== 'offer')
      this.logger.debug('decision without offer', {
        triggerId: d.triggerId,
        kind: d.kind,
        reason: d.reason,
        campaignId: d.campaignId,
      });
    return d;
  }

  /** Decides one request and queues its offer and record without waiting for Kafka (the caller has its answer). */
  async decideAndEnqueue(req: DecisionRequest): Promise<Decision> {
    return this.decide(req, (d) => this.publisher.enqueue(d));
  }

  /** Decides many requests with bounded concurrency and publishes offers and decision records before returning. */
  async decideAndPublish(reqs: readonly DecisionRequest[]): Promise<Decision[]> {
    const out: Decision[] = new Array<Decision>(reqs.length);
    // Each decision is handed to the group-committing publisher as soon as it is taken, instead of after the whole
    // batch: the first offers of a batch no longer wait for its slowest decision. All are awaited before returning,
    // so offers and decision records are durable before the batch is committed.
    const published: Promise<{ error: unknown } | undefined>[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < reqs.length) {
        const i = next++;
        out[i] = await this.decide(reqs[i] as DecisionRequest, (d) => {
          // The handler is attached at once: a send failing while other decisions run is not an unhandled rejection.
          if (d.offer || d.record)
            published.push(
              this.publisher.publish([d]).then(
                () => undefined,
                (e: unknown) => ({ error: e }),
              ),
            );
        });
      }
    };
    const decided = await Promise.allSettled(Array.from({ length: Math.min(this.concurrency, reqs.length) }, worker));
    // Every publish already started is settled before any error propagates.
    const sent = await Promise.all(published);
    for (const r of decided) if (r.status === 'rejected') throw r.reason;
    const failed = sent.find((r) => r !== undefined);
    if (failed) throw failed.error;
    return out;
  }
}
