import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { OfferStreamError, TransientError, startWorker } from '@offerstream/core';
import type { TermWeight, TextScore } from './text-scorer';
import type { WorkerHello, WorkerRequest, WorkerResponse, WorkerSetup } from './text-scoring.protocol';

export interface TextScoringPoolOptions extends WorkerSetup {
  readonly workers: number;
  /** Batches waiting for a worker beyond this are refused (back-pressure instead of unbounded memory). */
  readonly maxQueue: number;
  /** A batch a worker has not answered within this is failed (retriable) and the worker replaced. */
  readonly jobTimeoutMs: number;
}

/** Scores plus, for texts scored negative, their most negative terms (null for the others). */
export interface DetailedScores {
  readonly scores: TextScore[];
  readonly terms: (TermWeight[] | null)[];
}

interface Job {
  readonly request: WorkerRequest;
  readonly resolve: (result: DetailedScores) => void;
  readonly reject: (error: Error) => void;
}

interface Slot {
  readonly worker: Worker;
  /** Models loaded; until then the slot is only here so that close() can stop it. */
  ready: boolean;
  job?: Job;
  timer?: NodeJS.Timeout;
}

/**
 * Scores text batches on worker threads so model inference never blocks the caller's event loop. Each worker
 * holds its own model copy and takes one batch at a time; waiting batches sit in a bounded FIFO queue. A worker
 * that crashes, exits or overruns `jobTimeoutMs` fails its batch with a retriable error and is replaced by a fresh
 * one, so the pool keeps its size. (piscina replaces crashed workers too but has no job timeout of its own and
 * cannot start our .ts workers without a loader; the pool is small enough to own.)
 */
export class TextScoringPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  /** TensorFlow.js backend the workers run on. */
  backend = 'unknown';
  private closed = false;

  private constructor(private readonly options: TextScoringPoolOptions) {}

  static async start(options: Partial<TextScoringPoolOptions> & WorkerSetup): Promise<TextScoringPool> {
    const pool = new TextScoringPool({ workers: 1, maxQueue: 64, jobTimeoutMs: 30_000, ...options });
    try {
      await Promise.all(Array.from({ length: Math.max(1, pool.options.workers) }, () => pool.spawn()));
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  /** Starts one worker and resolves once its models are loaded. */
  private async spawn(): Promise<void> {
    const file = join(__dirname, `text-scoring.worker${__filename.endsWith('.ts') ? '.ts' : '.js'}`);
    const setup: WorkerSetup = {
      sentimentDir: this.options.sentimentDir,
      ...(this.options.categoryDir ? { categoryDir: this.options.categoryDir } : {}),
      ...(this.options.scorerOptions ? { scorerOptions: this.options.scorerOptions } : {}),
    };
    const worker = startWorker(file, { workerData: setup });
    const slot: Slot = { worker, ready: false };
    this.slots.push(slot);
    try {
      await new Promise<void>((resolve, reject) => {
        worker.once('message', (hello: WorkerHello) => {
          if (!hello.ready) return reject(new OfferStreamError('NLP_WORKER_INIT', hello.error));
          this.backend = hello.backend;
          resolve();
        });
        worker.once('error', reject);
        worker.once('exit', (code) => reject(new OfferStreamError('NLP_WORKER_INIT', `worker exited with ${code}`)));
      });
    } catch (error) {
      this.slots.splice(this.slots.indexOf(slot), 1);
      await worker.terminate();
      throw error;
    }
    slot.ready = true;
    worker.on('message', (res: WorkerResponse) => this.onResult(worker, res));
    worker.on('error', (error) => this.retire(slot, new TransientError('NLP_WORKER_CRASHED', error.message, error)));
    worker.on('exit', (code) =>
      this.retire(slot, new TransientError('NLP_WORKER_CRASHED', `worker exited with ${code}`)),
    );
    this.dispatch();
  }

  get size(): number {
    return this.slots.length;
  }

  get queued(): number {
    return this.queue.length;
  }

  async score(texts: string[], topK?: number): Promise<TextScore[]> {
    return (await this.scoreDetailed(texts, topK === undefined ? {} : { topK })).scores;
  }

  scoreDetailed(texts: string[], options: { topK?: number; negativeTerms?: number } = {}): Promise<DetailedScores> {
    if (this.closed) return Promise.reject(new OfferStreamError('NLP_POOL_CLOSED', 'text scoring pool is closed'));
    if (this.queue.length >= this.options.maxQueue) {
      return Promise.reject(
        new TransientError('NLP_QUEUE_FULL', `text scoring queue is full (${this.options.maxQueue} batches)`),
      );
    }
    return new Promise((resolve, reject) => {
      const request: WorkerRequest = {
        id: this.nextId++,
        texts,
        ...(options.topK ? { topK: options.topK } : {}),
        ...(options.negativeTerms ? { negativeTerms: options.negativeTerms } : {}),
      };
      this.queue.push({ request, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new OfferStreamError('NLP_POOL_CLOSED', 'pool closed'));
    await Promise.all(
      this.slots.map(async (s) => {
        clearTimeout(s.timer);
        s.job?.reject(new OfferStreamError('NLP_POOL_CLOSED', 'pool closed'));
        await s.worker.terminate();
      }),
    );
    this.slots.length = 0;
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.job || !slot.ready) continue;
      const job = this.queue.shift();
      if (!job) return;
      slot.job = job;
      slot.timer = setTimeout(() => {
        const error = new TransientError(
          'NLP_SCORING_TIMEOUT',
          `text scoring took over ${this.options.jobTimeoutMs} ms`,
        );
        this.retire(slot, error);
        void slot.worker.terminate();
      }, this.options.jobTimeoutMs);
      slot.worker.postMessage(job.request);
    }
  }

  private onResult(worker: Worker, res: WorkerResponse): void {
    const slot = this.slots.find((s) => s.worker === worker);
    const job = slot?.job;
    if (!slot || !job || job.request.id !== res.id) return;
    clearTimeout(slot.timer);
    slot.job = undefined;
    if ('error' in res) job.reject(new OfferStreamError('NLP_SCORING_FAILED', res.error));
    else job.resolve({ scores: res.scores, terms: res.terms ?? res.scores.map(() => null) });
    this.dispatch();
  }

  /** Fails the slot's batch, drops the slot and starts a replacement (once per slot; later events are ignored). */
  private retire(slot: Slot, error: Error): void {
    const idx = this.slots.indexOf(slot);
    if (idx < 0) return;
    this.slots.splice(idx, 1);
    clearTimeout(slot.timer);
    slot.job?.reject(error);
    slot.job = undefined;
    if (this.closed) return;
    this.spawn().catch((cause: unknown) => {
      // Cannot start a worker (the models went missing?): with none left, waiting batches would wait forever.
      if (this.slots.length > 0) return;
      const reason = new TransientError('NLP_WORKER_CRASHED', 'no workers left', cause);
      for (const job of this.queue.splice(0)) job.reject(reason);
    });
  }
}
