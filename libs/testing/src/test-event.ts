import { randomUUID } from 'node:crypto';

/** Whom an event is about: a signed-in user's id, or the ids as the event carries them (none for catalog events). */
export type EventSubject = string | { readonly userId?: string; readonly anonymousId?: string };

export interface TestEventOptions {
  /** Fixed where a suite produces the same event twice (redelivery); else a fresh UUID. */
  readonly eventId?: string;
  /** When it happened (default: now). */
  readonly occurredAt?: Date | number;
  /** The contract version the event claims (default 1.0; consent and channel events need later ones). */
  readonly schemaVersion?: string;
}

/** An event as a shop's producer sends it to Kafka: the envelope every suite builds its input from. */
export function testEvent<T extends string, P>(type: T, subject: EventSubject, payload: P, o: TestEventOptions = {}) {
  const ids = typeof subject === 'string' ? { userId: subject } : subject;
  return {
    eventId: o.eventId ?? randomUUID(),
    schemaVersion: o.schemaVersion ?? '1.0',
    occurredAt: new Date(o.occurredAt ?? Date.now()).toISOString(),
    producer: 'int-test',
    ...ids,
    type,
    payload,
  };
}
