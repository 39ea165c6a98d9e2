import { ClickstreamWriter, type FeatureStoreConfig } from '@offerstream/feature-store';
import { NlpSignalStore } from '@offerstream/nlp';
import { RedisKeys, type RedisClient } from '@offerstream/redis';
import { InteractionLog } from '@offerstream/recsys';
import { DecisionUserEraser } from './decision-user.eraser';

export interface UserErasureSettings {
  /** The clickstream topic as the GNN worker names its interaction log (with the deployment's topic prefix). */
  readonly clickstreamTopic: string;
  readonly clickstreamPartitions: number;
}

/** What one erasure removed, per owner of the state. */
export interface ErasureReport {
  readonly userId: string;
  readonly erasedAt: string;
  /** gnn is null when the interaction log was left to the erasure consumer (see `erase`). */
  readonly removed: { featureStore: number; nlp: number; decision: number; gnn: number | null };
}

/**
 * The one place that forgets a user: each library erases the keys it owns. The feature store goes first, because
 * it writes the tombstone every per-user writer checks; after that no late event can recreate what the others
 * remove. Idempotent: a repeated request (HTTP retry, the erasure event redelivered) removes nothing more and
 * renews the tombstone.
 */
export class UserErasure {
  private readonly features: ClickstreamWriter;
  private readonly decision: DecisionUserEraser;

  constructor(
    private readonly redis: RedisClient,
    private readonly featureStoreConfig: FeatureStoreConfig,
    private readonly settings: UserErasureSettings,
  ) {
    this.features = new ClickstreamWriter(redis, featureStoreConfig);
    this.decision = new DecisionUserEraser(redis);
  }

  /**
   * `withGnnLog: false` leaves the GNN interaction log out: scanning it reads every entry of every partition
   * (about 370k entries/s, so up to a minute at the default caps), too slow to wait for in an HTTP call. The HTTP
   * route writes the request to the erasure topic first, whose consumer runs the whole erasure.
   */
  async erase(
    userId: string,
    anonymousIds: readonly string[] = [],
    { withGnnLog = true }: { withGnnLog?: boolean } = {},
  ): Promise<ErasureReport> {
    const erasedAt = new Date().toISOString();
    const ids = [userId, ...anonymousIds.filter((a) => a !== userId)];
    const featureStore = await this.features.eraseUser(
      userId,
      this.featureStoreConfig.erasureTombstoneTtlMs,
      anonymousIds,
    );
    const [nlp, decision, gnn] = await Promise.all([
      sum(ids.map((id) => NlpSignalStore.eraseUser(this.redis, id))),
      sum(ids.map((id) => this.decision.eraseUser(id))),
      withGnnLog
        ? InteractionLog.eraseUser(this.redis, this.settings.clickstreamTopic, this.settings.clickstreamPartitions, ids)
        : null,
    ]);
    return { userId, erasedAt, removed: { featureStore, nlp, decision, gnn } };
  }
}

/** The users among `ids` who were erased (tombstone still alive): their late events are dropped. One round trip. */
export async function erasedUsers(redis: RedisClient, ids: readonly string[]): Promise<Set<string>> {
  const unique = [...new Set(ids)];
  const found = await Promise.all(unique.map((id) => redis.exists(RedisKeys.user.erased(id))));
  return new Set(unique.filter((_, i) => found[i] === 1));
}

async function sum(counts: Promise<number>[]): Promise<number> {
  return (await Promise.all(counts)).reduce((a, b) => a + b, 0);
}
