import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { OfferStreamError, TransientError, startWorker } from '@offerstream/core';
import type { TermWeight, TextScore } from './text-scorer';
import type { WorkerHello, WorkerRequest, WorkerResponse, WorkerSetup } from './text-scoring.protocol';

export interface TextScoringPoolOptions extends WorkerSetup {
  readonly workers: number;
  /** Batches waiting for a worker beyond this are refused (back-pressure instead of unbounded memory). */
  readonly maxQueue: number;
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
  job?: Job;
}

/**
 * Scores text batches on worker threads so model inference never blocks the caller's event loop. Each worker
 * holds its own model copy and takes one batch at a time; waiting batches sit in a bounded FIFO queue.
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
    const pool = new TextScoringPool({ workers: 1, maxQueue: 64, ...options });
    const file = join(__dirname, `text-scoring.worker${__filename.endsWith('.ts') ? '.ts' : '.js'}`);
    const setup: WorkerSetup = {
      sentimentDir: options.sentimentDir,
      ...(options.categoryDir ? { categoryDir: options.categoryDir } : {}),
      ...(options.scorerOptions ? { scorerOptions: options.scorerOptions } : {}),
    };
    try {
      await Promise.all(
        Array.from({ length: Math.max(1, pool.options.workers) }, async () => {
          const worker = startWorker(file, { workerData: setup });
          pool.slots.push({ worker });
          await new Promise<void>((resolve, reject) => {
            worker.once('message', (hello: WorkerHello) => {
              if (!hello.ready) return reject(new OfferStreamError('NLP_WORKER_INIT', hello.error));
              pool.backend = hello.backend;
              resolve();
            });
            worker.once('error', reject);
          });
          worker.on('message', (res: WorkerResponse) => pool.onResult(worker, res));
          worker.on('error', (error) => pool.onWorkerError(worker, error));
        }),
      );
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
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
        s.job?.reject(new OfferStreamError('NLP_POOL_CLOSED', 'pool closed'));
        await s.worker.terminate();
      }),
    );
    this.slots.length = 0;
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.job) continue;
      const job = this.queue.shift();
      if (!job) return;
      slot.job = job;
      slot.worker.postMessage(job.request);
    }
  }

  private onResult(worker: Worker, res: WorkerResponse): void {
    const slot = this.slots.find((s) => s.worker === worker);
    const job = slot?.job;
    if (!slot || !job || job.request.id !== res.id) return;
    slot.job = undefined;
    if ('error' in res) job.reject(new OfferStreamError('NLP_SCORING_FAILED', res.error));
    else job.resolve({ scores: res.scores, terms: res.terms ?? res.scores.map(() => null) });
    this.dispatch();
  }

  private onWorkerError(worker: Worker, error: Error): void {
    const slot = this.slots.find((s) => s.worker === worker);
    slot?.job?.reject(new TransientError('NLP_WORKER_CRASHED', error.message, error));
    if (slot) slot.job = undefined;
    // A crashed worker is dropped; the remaining ones keep serving.
    const idx = this.slots.findIndex((s) => s.worker === worker);
    if (idx >= 0) this.slots.splice(idx, 1);
    if (this.slots.length === 0) {
      for (const job of this.queue.splice(0)) job.reject(new TransientError('NLP_WORKER_CRASHED', 'no workers left'));
    }
    this.dispatch();
  }
}
