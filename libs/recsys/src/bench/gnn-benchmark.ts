import { recommendFromEmbeddings } from '../serving/embedding-serving';
import { seededRandom, gaussian } from '@offerstream/core';
import { trainGraphModel } from '../worker/train-graph-model';
import type { GraphModelMethod } from '../worker/graph-model.types';
import { generatedPairs, pairsFromFile } from './bench-pairs';

export interface GnnBenchmarkOptions {
  readonly items?: number;
  readonly dims?: number;
  readonly topN?: number;
  readonly queries?: number;
  /** LightGCN-format train file for the refresh timing; generated data of Gowalla size when absent. */
  readonly trainPath?: string;
  /** Skip the retrain (seconds reported as null). */
  readonly skipRefresh?: boolean;
  readonly method?: GraphModelMethod;
  readonly onProgress?: (event: Record<string, unknown>) => void;
}

export interface GnnBenchmarkResult {
  readonly candidates_p99_ms: number;
  readonly candidates_p50_ms: number;
  readonly refresh_seconds: number | null;
  readonly items: number;
  readonly dims: number;
}

/**
 * candidates_p99_ms: compute-only latency of top-N for one user over the catalog from embeddings (the Redis
 * fetch is the caller's); refresh_seconds: full retrain of the served method through the worker thread.
 */
export async function runGnnBenchmark(opts: GnnBenchmarkOptions = {}): Promise<GnnBenchmarkResult> {
  const items = opts.items ?? 40000;
  const dims = opts.dims ?? 64;
  const topN = opts.topN ?? 100;
  const queries = opts.queries ?? 500;
  const rng = seededRandom(3);
  const itemEmb = Float32Array.from({ length: items * dims }, () => gaussian(rng));
  const times: number[] = [];
  for (let q = 0; q < queries + 20; q++) {
    const user = Float32Array.from({ length: dims }, () => gaussian(rng));
    const seen = Array.from({ length: 30 }, () => Math.floor(rng() * items));
    const t0 = performance.now();
    recommendFromEmbeddings(user, itemEmb, dims, topN, new Set(seen));
    if (q >= 20) times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const pct = (p: number): number =>
    Math.round((times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? 0) * 1000) / 1000;
  let refresh: number | null = null;
  if (opts.skipRefresh !== true) {
    const pairs =
      opts.trainPath !== undefined ? await pairsFromFile(opts.trainPath) : generatedPairs(29858, 40981, 810128);
    const t0 = performance.now();
    await trainGraphModel(pairs, { method: opts.method ?? 'graph-filter' }, opts.onProgress);
    refresh = Math.round((performance.now() - t0) / 100) / 10;
  }
  return { candidates_p99_ms: pct(0.99), candidates_p50_ms: pct(0.5), refresh_seconds: refresh, items, dims };
}
