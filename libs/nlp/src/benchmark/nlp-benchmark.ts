import { DEFAULT_MODEL_DIR } from '../model-dir';
import { join } from 'node:path';
import { TextScoringPool } from '../scoring/text-scoring.pool';
import { sampleReviews } from './sample-reviews';

export interface NlpBenchmarkOptions {
  readonly workers: number;
  readonly batchSize: number;
  /** Timed batches per worker (after warm-up). */
  readonly batches: number;
  readonly modelDir: string;
  readonly withCategory: boolean;
}

export interface NlpBenchmarkResult {
  readonly texts_per_s: number;
  readonly p50_batch_ms: number;
  readonly p99_batch_ms: number;
  readonly batch_size: number;
  readonly workers: number;
  readonly backend: string;
  readonly texts: number;
  readonly with_category: boolean;
}

/**
 * Throughput of the worker scoring path: keeps every worker busy with one batch in flight each (the pool's
 * intended steady state) and times each batch from submit to result, including the message round trip.
 */
export async function runNlpBenchmark(opts: Partial<NlpBenchmarkOptions> = {}): Promise<NlpBenchmarkResult> {
  const o: NlpBenchmarkOptions = {
    workers: 1,
    batchSize: 64,
    batches: 100,
    modelDir: DEFAULT_MODEL_DIR,
    withCategory: true,
    ...opts,
  };
  const pool = await TextScoringPool.start({
    workers: o.workers,
    maxQueue: o.workers * 4,
    sentimentDir: join(o.modelDir, 'sentiment'),
    ...(o.withCategory ? { categoryDir: join(o.modelDir, 'category') } : {}),
  });
  try {
    const texts = sampleReviews(o.batchSize * 16);
    const batchAt = (i: number): string[] => {
      const start = (i * o.batchSize) % (texts.length - o.batchSize + 1);
      return texts.slice(start, start + o.batchSize);
    };
    for (let i = 0; i < o.workers * 5; i++) await pool.score(batchAt(i));
    const latencies: number[] = [];
    const total = o.batches * o.workers;
    let issued = 0;
    const started = process.hrtime.bigint();
    const lane = async (): Promise<void> => {
      while (issued < total) {
        const i = issued++;
        const t0 = process.hrtime.bigint();
        await pool.score(batchAt(i));
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    };
    await Promise.all(Array.from({ length: o.workers }, lane));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    latencies.sort((a, b) => a - b);
    const pct = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
    return {
      texts_per_s: (total * o.batchSize) / seconds,
      p50_batch_ms: pct(0.5),
      p99_batch_ms: pct(0.99),
      batch_size: o.batchSize,
      workers: o.workers,
      backend: pool.backend,
      texts: total * o.batchSize,
      with_category: o.withCategory,
    };
  } finally {
    await pool.close();
  }
}
