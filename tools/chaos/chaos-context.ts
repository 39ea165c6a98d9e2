import type { RedisClient } from '@offerstream/redis';
import type { Admin, Kafka, Producer } from 'kafkajs';
import type { ChaosServices } from './chaos-services';
import type { PrivateStack } from './private-stack';
import type { Streamer } from './workload';

/** An offer a client was answered over HTTP: it must reach the offers topic whatever happened to the process. */
export interface AnsweredOffer {
  offerId: string;
  userId: string;
  triggerId: string;
}

/** What the run shares with every fault and with the checks at the end. */
export interface ChaosContext {
  readonly stack: PrivateStack;
  readonly services: ChaosServices;
  readonly kafka: Kafka;
  readonly admin: Admin;
  /** A client on the services' key prefix. */
  readonly redis: RedisClient;
  /** For poison, outcomes and anything else the run sends beside the streamed set. */
  readonly producer: Producer;
  readonly streamer: Streamer;
  readonly answered: AnsweredOffer[];
  log(message: string): void;
}

/** What a fault says about itself once it has healed (the runner then times the recovery). */
export interface FaultNote {
  /** When the fault stopped hurting (default: when inject resolved). Recovery is timed from here. */
  healedAt?: number;
  detail?: string;
}

export interface Fault {
  readonly name: string;
  /** Injects the fault and heals it (restart, SIGCONT, delete the filler...). */
  inject(ctx: ChaosContext): Promise<FaultNote | void>;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
