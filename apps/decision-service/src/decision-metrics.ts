import { Inject, Injectable } from '@nestjs/common';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { Decision, DecisionRequest } from '@offerstream/decision';
import { METRICS_REGISTRY } from '@offerstream/platform';

/** Decisions by trigger, kind and reason, and how long they took. */
@Injectable()
export class DecisionMetrics {
  private readonly decisions: Counter<'trigger' | 'kind' | 'reason'>;
  private readonly seconds: Histogram<'trigger'>;
  readonly publishFailures: Counter;
  readonly gnnFailures: Counter<'reason'>;
  private readonly errors: Counter<'trigger'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.decisions = new Counter({
      name: 'offerstream_decisions_total',
      help: 'Decisions by trigger, kind (offer, holdout, no_offer, duplicate) and reason',
      labelNames: ['trigger', 'kind', 'reason'],
      registers: [registry],
    });
    this.seconds = new Histogram({
      name: 'offerstream_decision_seconds',
      help: 'Time to decide, guardrails included',
      labelNames: ['trigger'],
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    });
    this.publishFailures = new Counter({
      name: 'offerstream_offer_publish_failures_total',
      help: 'Decisions taken over HTTP whose offer or decision record could not be written to Kafka',
      registers: [registry],
    });
    this.gnnFailures = new Counter({
      name: 'offerstream_gnn_candidate_failures_total',
      help: 'Calls to the gnn-worker for graph candidates that failed, by reason (timeout, error, status); decisions went on without them',
      labelNames: ['reason'],
      registers: [registry],
    });
    this.errors = new Counter({
      name: 'offerstream_decision_errors_total',
      help: 'Decisions that failed with an error (Redis down, a bug) instead of an offer or a no-offer, by trigger',
      labelNames: ['trigger'],
      registers: [registry],
    });
  }

  failed(req: DecisionRequest): void {
    this.errors.inc({ trigger: req.trigger });
  }

  observe(req: DecisionRequest, d: Decision, startedNs: bigint): void {
    const reason = d.reason.startsWith('duplicate_of_') ? 'duplicate' : d.reason;
    this.decisions.inc({ trigger: req.trigger, kind: d.kind, reason });
    this.seconds.observe({ trigger: req.trigger }, Number(process.hrtime.bigint() - startedNs) / 1e9);
  }
}
