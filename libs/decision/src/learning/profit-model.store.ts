import { join } from 'node:path';
import { PeriodicTask, type Logger } from '@offerstream/core';
import { loadLuaScripts, RedisKeys, runLua, type RedisClient } from '@offerstream/redis';
import {
  CONVERSION_MODEL_VERSION,
  conversionModelFromJSON,
  predictProfits,
  type ConversionModelSnapshot,
} from '@offerstream/uplift';
import type { ProfitModel } from '../policy/offer-policy';
import { RefitLock } from './refit-lock';

/** A published incremental-profit model with the evidence it was promoted on. */
export interface PublishedProfitModel {
  readonly seq: number;
  readonly model: ConversionModelSnapshot;
  /** Feature layout the model was trained on (POLICY_FEATURES_VERSION); a different layout is never served. */
  readonly features: string;
  readonly examples: number;
  readonly promotion: Readonly<Record<string, unknown>>;
  readonly publishedAt: string;
}

/**
 * The latest finished refit attempt, promoted or not: what an operator (GET /models) and the market simulator read to
 * see why the model in use is the one it is, since a refused refit leaves no other trace but a log line.
 */
export interface ProfitRefitAttempt {
  readonly outcome: 'published' | 'not_better' | 'superseded';
  /** Joined decisions the attempt saw. */
  readonly covered: number;
  readonly at: string;
  /** The published sequence number, when the attempt published. */
  readonly seq?: number;
  /** The promotion check's reason and figures (as on a published model's `promotion`). */
  readonly promotion: Readonly<Record<string, unknown>>;
}

/** The snapshot as the policy calls it. */
export function profitModel(p: PublishedProfitModel): ProfitModel & { readonly examples: number } {
  return {
    version: `profit-conversion@fit${p.seq}-n${p.examples}`,
    examples: p.examples,
    predict: (x, values) => predictProfits(p.model, x, values),
  };
}

/**
 * The incremental-profit model shared by all instances: refits publish it under a sequence number, every instance
 * polls the number and swaps the model in when it moves (no restart). Until one is published there is none, and
 * the policy falls back to its neutral prior.
 */
export class ProfitModelStore {
  private model: (ProfitModel & { readonly examples: number }) | undefined;
  private seen = 0;
  private poll: PeriodicTask | undefined;
  /** One refit of this model at a time, across instances. */
  readonly refitLock: RefitLock;

  constructor(
    private readonly redis: RedisClient,
    readonly featureLayout: string,
    private readonly logger?: Logger,
  ) {
    loadLuaScripts(redis, join(__dirname, '..', 'lua'));
    this.refitLock = new RefitLock(redis, RedisKeys.decision.profitLock(), 'profit model refit', logger);
  }

  get current(): (ProfitModel & { readonly examples: number }) | undefined {
    return this.model;
  }

  get seq(): number {
    return this.seen;
  }

  async published(): Promise<
    (Omit<PublishedProfitModel, 'model'> & { readonly model: ConversionModelSnapshot | null }) | undefined
  > {
    const raw = await this.redis.get(RedisKeys.decision.profitModel());
    if (raw === null) return undefined;
    const p = JSON.parse(raw) as PublishedProfitModel;
    // A model of another format (published before an upgrade) is not an error: it is not served, and the next refit
    // replaces it.
    if ((p.model as { version?: unknown } | null)?.version !== CONVERSION_MODEL_VERSION) return { ...p, model: null };
    return { ...p, model: conversionModelFromJSON(p.model) };
  }

  async refresh(): Promise<boolean> {
    const version = Number((await this.redis.get(RedisKeys.decision.profitVersion())) ?? 0);
    if (version === this.seen) return false;
    const p = await this.published();
    if (!p) return false;
    this.seen = p.seq;
    if (p.features !== this.featureLayout || p.model === null) {
      this.logger?.warn('published profit model has another feature layout or format; not served', {
        published: p.features,
        expected: this.featureLayout,
      });
      return false;
    }
    this.model = profitModel({ ...p, model: p.model });
    this.logger?.info('profit model loaded', { version: this.model.version, promotion: p.promotion });
    return true;
  }

  async start(pollMs: number): Promise<void> {
    await this.refresh();
    this.poll = new PeriodicTask('profit model reload', pollMs, () => this.refresh(), this.logger);
    this.poll.start();
  }

  async stop(): Promise<void> {
    await this.poll?.stop();
    this.poll = undefined;
  }

  /** Publishes if `expectedSeq` is still the latest; the new sequence number, or undefined if another came first. */
  async publish(p: Omit<PublishedProfitModel, 'seq'>, expectedSeq: number): Promise<number | undefined> {
    const json = JSON.stringify({ seq: '@SEQ@', ...p }).replace('"seq":"@SEQ@"', '"seq":@SEQ@');
    const r = await runLua<number>(
      this.redis,
      'publishModel',
      [RedisKeys.decision.profitModel(), RedisKeys.decision.profitVersion()],
      [expectedSeq, json],
    );
    return r < 0 ? undefined : r;
  }

  async attempted(): Promise<number> {
    return Number((await this.redis.get(RedisKeys.decision.profitAttempt())) ?? 0);
  }

  /** The latest finished refit attempt, or null before the first. */
  async lastRefit(): Promise<ProfitRefitAttempt | null> {
    const raw = await this.redis.get(RedisKeys.decision.profitLastRefit());
    return raw === null ? null : (JSON.parse(raw) as ProfitRefitAttempt);
  }

  /** Records a finished attempt: the refit gate reads `covered`, operators the rest. Both keys share a slot. */
  async markAttempt(attempt: ProfitRefitAttempt): Promise<void> {
    await this.redis.mset(
      RedisKeys.decision.profitAttempt(),
      attempt.covered,
      RedisKeys.decision.profitLastRefit(),
      JSON.stringify(attempt),
    );
  }
}
