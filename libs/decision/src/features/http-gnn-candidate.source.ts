import type { Logger } from '@offerstream/core';
import type { CandidateSource, ScoredItem } from './feature-source.port';

interface GnnAnswer {
  version?: string;
  candidates?: { itemId?: unknown; score?: unknown }[];
}

/**
 * Graph-model candidates from the gnn-worker's `GET /users/:id/candidates?n=`. Optional by design: a
 * timeout, an unknown user (404) or no model yet (503) yields no candidates, and the blend renormalises.
 * The timeout is short because this call sits inside the decision's latency budget.
 */
export class HttpGnnCandidateSource implements CandidateSource {
  private lastVersion = 'unknown';

  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs: number,
    private readonly logger?: Logger,
  ) {}

  get name(): string {
    return `gnn-worker@${this.lastVersion}`;
  }

  async candidates(userId: string, k: number): Promise<ScoredItem[]> {
    const url = `${this.baseUrl.replace(/\/$/, '')}/users/${encodeURIComponent(userId)}/candidates?n=${Math.max(1, Math.min(k, 500))}`;
    let res: Response;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (e) {
      this.logger?.debug('gnn candidates unavailable', { error: e });
      return [];
    }
    if (!res.ok) return [];
    const body = (await res.json()) as GnnAnswer;
    if (typeof body.version === 'string') this.lastVersion = body.version;
    return (body.candidates ?? []).flatMap((c) =>
      typeof c.itemId === 'string' && typeof c.score === 'number' && Number.isFinite(c.score) ? [{ itemId: c.itemId, score: c.score }] : [],
    );
  }
}
