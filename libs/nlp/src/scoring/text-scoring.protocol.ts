import type { TermWeight, TextScore, TextScorerOptions } from './text-scorer';

export interface WorkerSetup {
  readonly sentimentDir: string;
  readonly categoryDir?: string;
  readonly scorerOptions?: Partial<TextScorerOptions>;
}

export interface WorkerRequest {
  readonly id: number;
  readonly texts: string[];
  readonly topK?: number;
  /** When > 0, also the top terms of each text scored negative (for "what do people complain about"). */
  readonly negativeTerms?: number;
}

export type WorkerResponse =
  | { readonly id: number; readonly scores: TextScore[]; readonly terms?: (TermWeight[] | null)[] }
  | { readonly id: number; readonly error: string };

export type WorkerHello =
  { readonly ready: true; readonly backend: string } | { readonly ready: false; readonly error: string };
