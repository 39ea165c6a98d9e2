import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type TextMapGetter,
  type Tracer,
} from '@opentelemetry/api';
import type { IHeaders, KafkaMessage } from 'kafkajs';
import { errorMessage } from '@offerstream/core';

/**
 * W3C trace context across the Kafka hops. Off until the platform's tracing setup hands in a tracer (only when an
 * exporter is configured): the producer and the batch consumer then test one variable per batch and do nothing else.
 */
let tracer: Tracer | undefined;

export function enableKafkaTracing(t: Tracer | undefined): void {
  tracer = t;
}

export function kafkaTracingEnabled(): boolean {
  return tracer !== undefined;
}

/** Decoded events by object identity: code that only holds the event (triggers) can still continue its trace. */
const eventTraces = new WeakMap<object, Context>();

/** The context of a consumed event's consumer span, or undefined when tracing is off or it was not consumed here. */
export function traceOf(event: object): Context | undefined {
  return tracer ? eventTraces.get(event) : undefined;
}

const headerGetter: TextMapGetter<IHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const v = carrier[key];
    const first = Array.isArray(v) ? v[0] : v;
    return first === undefined ? undefined : first.toString();
  },
};

/** The headers with `traceparent` (and `tracestate`) of the given context, or of the active one, when tracing is on. */
export function withTraceHeaders(headers: IHeaders, ctx?: Context): IHeaders {
  if (!tracer) return headers;
  const out: Record<string, string> = {};
  propagation.inject(ctx ?? context.active(), out);
  return { ...headers, ...out };
}

/** One consumer span per message of a batch, each the child of the context its producer injected. */
export class ConsumeSpans {
  private readonly spans: Span[] = [];

  constructor(
    private readonly t: Tracer,
    private readonly topic: string,
    private readonly partition: number,
    private readonly groupId: string,
  ) {}

  static start(topic: string, partition: number, groupId: string): ConsumeSpans | undefined {
    return tracer ? new ConsumeSpans(tracer, topic, partition, groupId) : undefined;
  }

  /** Starts the message's span and ties its context to the decoded event (see traceOf). */
  message(message: KafkaMessage, event: unknown): Context {
    const parent = propagation.extract(ROOT_CONTEXT, message.headers ?? {}, headerGetter);
    const span = this.t.startSpan(
      `process ${this.topic}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'process',
          'messaging.destination.name': this.topic,
          'messaging.destination.partition.id': String(this.partition),
          'messaging.consumer.group.name': this.groupId,
          'messaging.kafka.offset': Number(message.offset),
        },
      },
      parent,
    );
    this.spans.push(span);
    const ctx = trace.setSpan(parent, span);
    if (typeof event === 'object' && event !== null) eventTraces.set(event, ctx);
    return ctx;
  }

  /** Ends every span of the batch, marked failed when the batch did not commit. */
  end(error?: unknown): void {
    for (const span of this.spans) {
      if (error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(error) });
      span.end();
    }
  }
}
