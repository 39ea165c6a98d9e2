import type { DecisionRecord } from '@offerstream/contracts';
import { TransientError } from '@offerstream/core';
import { DecisionOutcomeStore, ReservationStore, type BudgetResult } from '@offerstream/decision';
import { EventProducer, type TopicBatch } from '@offerstream/kafka';
import { kcatConsumeAll, KAFKA_BROKERS, type IsolatedEnv } from '@offerstream/testing';

// Faults a delivery meets after its claim, injected around the real producer and stores (redelivery tests).

/** A broker outage: the next `failures` produces are refused. */
export class OutageProducer extends EventProducer {
  failures = 0;
  override sendMany(batches: readonly TopicBatch[]): Promise<void> {
    if (this.failures <= 0) return super.sendMany(batches);
    this.failures--;
    return Promise.reject(new TransientError('INJECTED_FAULT', 'broker unreachable (injected)'));
  }
}

/** A delivery interrupted before its budget reservation ran; the reservation can still arrive late (`late`). */
export class InterruptedReservations extends ReservationStore {
  interruptions = 0;
  late: (() => Promise<BudgetResult>) | undefined;
  override reserveBudget(...a: Parameters<ReservationStore['reserveBudget']>): Promise<BudgetResult> {
    if (this.interruptions <= 0) return super.reserveBudget(...a);
    this.interruptions--;
    this.late = () => super.reserveBudget(...a);
    return Promise.reject(new TransientError('INJECTED_FAULT', 'Redis unreachable before the reservation (injected)'));
  }
}

/** Tracking that ran in Redis, its answer lost: the caller sees a timeout. */
export class TimeoutOutcomes extends DecisionOutcomeStore {
  failures = 0;
  override async track(...a: Parameters<DecisionOutcomeStore['track']>): Promise<boolean> {
    if (this.failures <= 0) return super.track(...a);
    this.failures--;
    // The command ran; the caller saw a timeout.
    await super.track(...a);
    throw new TransientError('INJECTED_FAULT', 'Redis timeout (injected)');
  }
}

/** A record as it travels (JSON): the form downstream compares, where -0 is 0. */
export const wire = (r: DecisionRecord | undefined): unknown =>
  r === undefined ? undefined : JSON.parse(JSON.stringify(r));

export const payloads = async <T>(ctx: IsolatedEnv, topic: string): Promise<T[]> =>
  (await kcatConsumeAll(KAFKA_BROKERS, ctx.topicPrefix + topic)).map(
    (r) => (JSON.parse(r.payload ?? '{}') as { payload: T }).payload,
  );
