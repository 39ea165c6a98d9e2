import { join } from 'node:path';
import { PeriodicTask, TransientError, type Logger } from '@offerstream/core';
import { loadLuaScripts, RedisKeys, runLua, type RedisClient } from '@offerstream/redis';
import { RefitLock } from '../learning/refit-lock';
import {
  DEFAULT_PROPENSITY,
  PROPENSITY_FEATURES,
  type FeatureVector,
  type PropensityWeights,
} from './propensity.model';

/** One logged example: the offered item's features at decision time and whether the offer led to a purchase signal. */
export interface TrainingExample {
  readonly offerId: string;
  readonly features: FeatureVector;
  readonly label: 0 | 1;
  readonly at: string;
  /** The user's learned cluster when deciding: the refit learns each cluster's lift from it. */
  readonly segment?: string;
}

/** A published model: the weights plus how it was chosen. */
export interface PublishedPropensity {
  readonly weights: PropensityWeights;
  readonly seq: number;
  readonly examples: number;
  readonly heldOutLogLoss: number;
  readonly previousLogLoss: number;
  readonly publishedAt: string;
}

export interface PropensityStoreSettings {
  /** Examples kept in the training log (the newest). */
  readonly logMax: number;
  /** How long an offer's labelled marker lives (an outcome redelivered later than this would append again). */
  readonly markerTtlSeconds: number;
}

/**
 * The learned purchase-propensity model shared by all instances, and its training log. Every instance polls the
 * version counter and swaps in the published weights when it moves (no restart); until a refit has been
 * published, the hand-set prior is used.
 */
export class PropensityStore {
  private model: PropensityWeights;
  private seen = 0;
  private poll: PeriodicTask | undefined;
  /** One refit of the weights at a time, across instances. */
  readonly refitLock: RefitLock;

  constructor(
    private readonly redis: RedisClient,
    private readonly settings: PropensityStoreSettings,
    private readonly prior: PropensityWeights = DEFAULT_PROPENSITY,
    private readonly logger?: Logger,
  ) {
    loadLuaScripts(redis, join(__dirname, '..', 'lua'));
    this.refitLock = new RefitLock(redis, RedisKeys.decision.propensityLock(), 'propensity refit', logger);
    this.model = prior;
  }

  /** The weights decisions use now. */
  get current(): PropensityWeights {
    return this.model;
  }

  /** Sequence number of the published model in use (0 = the prior). */
  get seq(): number {
    return this.seen;
  }

  async refresh(): Promise<boolean> {
    const version = Number((await this.redis.get(RedisKeys.decision.propensityVersion())) ?? 0);
    if (version === this.seen) return false;
    const published = await this.published();
    if (!published) return false;
    // A model published before a feature was added has no weight for it: the prior's stands in until the next refit.
    const w = published.weights;
    this.model = { ...w, weights: { ...this.prior.weights, ...w.weights } };
    this.seen = published.seq;
    this.logger?.info('propensity model loaded', {
      version: published.weights.version,
      heldOutLogLoss: published.heldOutLogLoss,
    });
    return true;
  }

  async published(): Promise<PublishedPropensity | undefined> {
    const raw = await this.redis.get(RedisKeys.decision.propensityModel());
    return raw === null ? undefined : (JSON.parse(raw) as PublishedPropensity);
  }

  async start(pollMs: number): Promise<void> {
    await this.refresh();
    this.poll = new PeriodicTask('propensity model reload', pollMs, () => this.refresh(), this.logger);
    this.poll.start();
  }

  async stop(): Promise<void> {
    await this.poll?.stop();
    this.poll = undefined;
  }

  /** Appends the offer's example unless the offer was labelled before; true when appended. */
  async append(e: TrainingExample): Promise<boolean> {
    try {
      const r = await runLua<number>(
        this.redis,
        'appendTrainingExample',
        [
          RedisKeys.decision.propensityLabelled(e.offerId),
          RedisKeys.decision.propensityLog(),
          RedisKeys.decision.propensityAppended(),
        ],
        [JSON.stringify(e), e.label, this.settings.markerTtlSeconds, this.settings.logMax],
      );
      return r === 1;
    } catch (err) {
      throw new TransientError('REDIS_SCRIPT_FAILED', 'appending a propensity training example failed', err, {
        offerId: e.offerId,
      });
    }
  }

  /** Examples ever appended, and the count at the last refit attempt. */
  async counters(): Promise<{ appended: number; atLastAttempt: number }> {
    const [a, b] = await Promise.all([
      this.redis.get(RedisKeys.decision.propensityAppended()),
      this.redis.get(RedisKeys.decision.propensityAttempt()),
    ]);
    return { appended: Number(a ?? 0), atLastAttempt: Number(b ?? 0) };
  }

  async markAttempt(appended: number): Promise<void> {
    await this.redis.set(RedisKeys.decision.propensityAttempt(), appended);
  }

  async examples(): Promise<TrainingExample[]> {
    const raw = await this.redis.lrange(RedisKeys.decision.propensityLog(), 0, -1);
    const out: TrainingExample[] = [];
    for (const line of raw) {
      const e = parseExample(line);
      if (e) out.push(e);
    }
    return out;
  }

  /** Publishes if `expectedSeq` is still the latest; returns the new sequence number, or undefined if it was not. */
  async publish(
    p: Omit<PublishedPropensity, 'seq' | 'weights'> & { weights: Omit<PropensityWeights, 'version'> },
    expectedSeq: number,
  ): Promise<number | undefined> {
    const model = {
      ...p,
      seq: '@SEQ@',
      weights: { ...p.weights, version: `${PROPENSITY_VERSION_PREFIX}@SEQ@-n${p.examples}` },
    };
    const json = JSON.stringify(model).replace('"seq":"@SEQ@"', '"seq":@SEQ@');
    const r = await runLua<number>(
      this.redis,
      'publishModel',
      [RedisKeys.decision.propensityModel(), RedisKeys.decision.propensityVersion()],
      [expectedSeq, json],
    );
    return r < 0 ? undefined : r;
  }
}

/** Version names of refitted models: `propensity-lr@fit<seq>-n<examples>`. */
export const PROPENSITY_VERSION_PREFIX = 'propensity-lr@fit';

/**
 * Reads one example as exported (one JSON object per line): `features` by name (missing names are 0) or as an
 * array in PROPENSITY_FEATURES order, and `label` 0/1 (or true/false). Anything else is skipped.
 */
export function parseExample(line: string): TrainingExample | undefined {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof o !== 'object' || o === null) return undefined;
  const { features, label, offerId, at, segment } = o as Record<string, unknown>;
  const y = label === 1 || label === true ? 1 : label === 0 || label === false ? 0 : undefined;
  if (y === undefined) return undefined;
  const x = {} as FeatureVector;
  for (const [j, f] of PROPENSITY_FEATURES.entries()) {
    const v = Array.isArray(features)
      ? (features as unknown[])[j]
      : typeof features === 'object' && features !== null
        ? (features as Record<string, unknown>)[f]
        : undefined;
    x[f] = typeof v === 'number' && Number.isFinite(v) ? v : 0;
  }
  if (!Array.isArray(features) && (typeof features !== 'object' || features === null)) return undefined;
  return {
    offerId: typeof offerId === 'string' ? offerId : '',
    features: x,
    label: y,
    at: typeof at === 'string' ? at : '',
    ...(typeof segment === 'string' ? { segment } : {}),
  };
}
