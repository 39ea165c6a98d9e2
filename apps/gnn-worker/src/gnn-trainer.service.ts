import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from '@offerstream/core';
import { REDIS, SERVICE_LOGGER } from '@offerstream/platform';
import {
  GnnErasures,
  shouldTrain,
  trainGraphModel,
  TrainingLock,
  type ModelPublisher,
  type PublishedVersion,
  type ErasureMarks,
  type TrainGraphModelOptions,
  type UserItemGraph,
} from '@offerstream/recsys';
import type { RedisClient } from '@offerstream/redis';
import type { GnnWorkerConfig } from './gnn-worker.config';
import type { GnnMetrics } from './gnn-worker.metrics';
import { GNN_CONFIG, GNN_GRAPH, GNN_METRICS, GNN_PUBLISHER } from './gnn-worker.tokens';
import { GraphSync } from './graph-sync.service';

export interface TrainingStatus {
  readonly training: boolean;
  readonly lastTrainedAt: number;
  readonly newInteractions: number;
  readonly lastPublished: PublishedVersion | null;
  readonly lastError: string | null;
}

/**
 * Retrains on a schedule and when enough new interactions arrived, in a worker thread (recsys trainGraphModel),
 * then publishes the version. One instance at a time trains: the others skip while the lock is held.
 */
@Injectable()
export class GnnTrainer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log: Logger;
  private readonly lock: TrainingLock;
  private readonly erasures: GnnErasures;
  /** Erasures counted up to which this instance's graph holds no erased user. */
  private forgottenMark = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private closed = false;
  private trainedMark = 0;
  private lastTrainedAt = 0;
  private lastPublished: PublishedVersion | null = null;
  private lastError: string | null = null;
  private modelAtBoot = false;
  private baselined = false;

  constructor(
    @Inject(REDIS) redis: RedisClient,
    @Inject(SERVICE_LOGGER) logger: Logger,
    @Inject(GNN_CONFIG) private readonly config: GnnWorkerConfig,
    @Inject(GNN_GRAPH) private readonly graph: UserItemGraph,
    @Inject(GNN_PUBLISHER) private readonly publisher: ModelPublisher,
    @Inject(GNN_METRICS) private readonly metrics: GnnMetrics,
    @Inject(GraphSync) private readonly sync: GraphSync,
  ) {
    this.log = logger.child({ component: 'gnn-trainer' });
    this.lock = new TrainingLock(redis, config.service.GNN_TRAIN_LOCK_MS);
    this.erasures = new GnnErasures(redis);
  }

  async onApplicationBootstrap(): Promise<void> {
    const publishedAt = await this.publisher.activePublishedAt();
    if (publishedAt !== null) {
      this.lastTrainedAt = publishedAt;
      this.modelAtBoot = true;
    }
    this.timer = setInterval(() => {
      if (this.inFlight !== undefined || this.closed) return;
      this.inFlight = this.check().finally(() => {
        this.inFlight = undefined;
      });
    }, this.config.service.GNN_TRAIN_CHECK_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    // A training run cannot be interrupted inside its worker thread; nothing is published after close.
  }

  status(): TrainingStatus {
    return {
      training: this.inFlight !== undefined,
      lastTrainedAt: this.lastTrainedAt,
      newInteractions: this.graph.applied - this.trainedMark,
      lastPublished: this.lastPublished,
      lastError: this.lastError,
    };
  }

  private async check(): Promise<void> {
    const s = this.config.service;
    try {
      await this.publisher.deleteRetired();
      if (!this.sync.ready) return;
      if (!this.baselined) {
        // The active model was trained on (about) what the logs held, so the rebuilt graph does not count as new.
        if (this.modelAtBoot) this.trainedMark = this.graph.applied;
        this.baselined = true;
      }
      const marks = await this.forgetErased();
      // An erasure is owed a publish without the user however few interactions are new (GDPR: without undue delay).
      const owed = marks.requested > marks.applied && this.graph.numEdges >= s.GNN_TRAIN_MIN_EDGES;
      const due = shouldTrain(
        {
          now: Date.now(),
          lastTrainedAt: this.lastTrainedAt,
          newInteractions: this.graph.applied - this.trainedMark,
          edges: this.graph.numEdges,
        },
        { intervalMs: s.GNN_TRAIN_INTERVAL_MS, minNew: s.GNN_TRAIN_MIN_NEW, minEdges: s.GNN_TRAIN_MIN_EDGES },
      );
      if (!due && !owed) return;
      await this.lock.runExclusive(() => this.train());
    } catch (e) {
      this.lastError = e instanceof Error ? e.message : String(e);
      this.metrics.trainings.inc({ outcome: 'failed' });
      // Back off a whole interval instead of retrying a failing training on every check.
      this.lastTrainedAt = Date.now();
      this.log.error('training failed', { error: e });
    }
  }

  private async train(): Promise<void> {
    const s = this.config.service;
    // Erasures counted before this point are out of the graph before its pairs are taken.
    const erased = await this.forgetErased();
    const mark = this.graph.applied;
    const pairs = this.graph.pairs(s.GNN_MIN_EDGE_WEIGHT);
    const options: TrainGraphModelOptions = {
      method: s.GNN_METHOD,
      rank: s.GNN_RANK,
      dims: s.GNN_DIMS,
      epochs: s.GNN_EPOCHS,
      timeBudgetSeconds: s.GNN_TRAIN_BUDGET_SECONDS,
    };
    this.log.info('training started', { pairs: pairs.length, users: this.graph.numUsers, method: s.GNN_METHOD });
    const started = performance.now();
    const artifact = await trainGraphModel(pairs, options, (event) => this.log.debug('training progress', event));
    const trainSeconds = (performance.now() - started) / 1000;
    if (this.closed) return;
    const published = await this.publisher.publish(artifact, { pairs, trainSeconds });
    if (erased.requested > erased.applied) await this.erasures.markApplied(erased.requested);
    this.trainedMark = mark;
    this.lastTrainedAt = published.publishedAt;
    this.lastPublished = published;
    this.lastError = null;
    this.metrics.trainings.inc({ outcome: 'published' });
    this.metrics.publishSeconds.set(published.publishSeconds);
    this.log.info('model published', { ...published, trainSeconds, pairs: pairs.length });
  }

  /** Drops erased users from this instance's graph when the erasure count moved since it last looked. */
  private async forgetErased(): Promise<ErasureMarks> {
    const marks = await this.erasures.marks();
    if (marks.requested > this.forgottenMark) {
      const users = await this.erasures.dropErased(this.graph);
      this.forgottenMark = marks.requested;
      if (users > 0) this.log.info('erased users dropped from the graph', { users });
    }
    return marks;
  }
}
