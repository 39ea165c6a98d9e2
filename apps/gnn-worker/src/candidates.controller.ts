import {
  BadRequestException,
  Controller,
  Get,
  Inject,
  NotFoundException,
  Param,
  Query,
  ServiceUnavailableException,
} from '@nestjs/common';
import { itemId as idSchema } from '@offerstream/contracts';
import { Roles } from '@offerstream/platform';
import {
  NoModelError,
  UnknownUserError,
  type CandidateResult,
  type GnnCandidateReader,
  type UserItemGraph,
} from '@offerstream/recsys';
import type { GnnWorkerConfig } from './gnn-worker.config';
import type { GnnMetrics } from './gnn-worker.metrics';
import { GNN_CONFIG, GNN_GRAPH, GNN_METRICS, GNN_READER } from './gnn-worker.tokens';
import { GnnTrainer, type TrainingStatus } from './gnn-trainer.service';
import { ModelWatcher, type LoadedModel } from './model-watcher.service';

/** Candidates for the decision service, and what model this instance serves. */
@Controller()
@Roles('reader')
export class CandidatesController {
  constructor(
    @Inject(GNN_CONFIG) private readonly config: GnnWorkerConfig,
    @Inject(GNN_READER) private readonly reader: GnnCandidateReader,
    @Inject(GNN_METRICS) private readonly metrics: GnnMetrics,
    @Inject(GNN_GRAPH) private readonly graph: UserItemGraph,
    @Inject(ModelWatcher) private readonly watcher: ModelWatcher,
    @Inject(GnnTrainer) private readonly trainer: GnnTrainer,
  ) {}

  @Get('users/:id/candidates')
  async candidates(@Param('id') id: string, @Query('n') n?: string): Promise<CandidateResult> {
    const s = this.config.service;
    if (!idSchema.safeParse(id).success || id.trim() !== id) {
      throw new BadRequestException({ message: 'user id must be 1-128 characters without surrounding spaces' });
    }
    const count = n === undefined || n === '' ? s.GNN_CANDIDATES_DEFAULT : Number(n);
    if (!Number.isInteger(count) || count < 1 || count > s.GNN_CANDIDATES_MAX) {
      throw new BadRequestException({ message: `n must be an integer from 1 to ${s.GNN_CANDIDATES_MAX}` });
    }
    const timer = this.metrics.candidateSeconds.startTimer();
    try {
      const result = await this.reader.candidates(id, count);
      timer({ outcome: 'ok' });
      return result;
    } catch (e) {
      if (e instanceof UnknownUserError) {
        timer({ outcome: 'unknown_user' });
        throw new NotFoundException({ message: e.message });
      }
      if (e instanceof NoModelError) {
        timer({ outcome: 'no_model' });
        throw new ServiceUnavailableException({ message: e.message });
      }
      timer({ outcome: 'error' });
      throw e;
    }
  }

  /** Model state; readiness does not require a model (a fresh deployment has none until its first training). */
  @Get('model')
  model(): {
    loaded: LoadedModel | null;
    training: TrainingStatus;
    graph: { users: number; edges: number; applied: number };
  } {
    return {
      loaded: this.watcher.loaded(),
      training: this.trainer.status(),
      graph: { users: this.graph.numUsers, edges: this.graph.numEdges, applied: this.graph.applied },
    };
  }
}
