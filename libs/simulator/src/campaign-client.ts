import type { MarketConfig } from './market.config';

/** Share of requests the campaign's budget is sized for, as the team's campaign was. */
export const BUDGET_SHARE = 0.3;

/**
 * The team's campaign: 10% and 20% off and free shipping on offer requests only, 10% holdout, no cooldown, a
 * budget for about 30% of the run's requests (count caps offers made; spend covers them at the deepest discount).
 */
export function simulationCampaign(
  id: string,
  market: MarketConfig,
  totalRequests: number,
  meanPrice: number,
): Record<string, unknown> {
  const count = Math.ceil(BUDGET_SHARE * totalRequests);
  return {
    id,
    name: `simulator ${market.name}`,
    offerTypes: {
      percentDiscounts: [10, 20],
      fixedCoupons: [],
      freeShipping: true,
      shippingCost: market.shippingCost,
      bundle: false,
      recommendation: false,
    },
    eligibility: { triggers: ['offer_request'] },
    holdoutShare: 0.1,
    budget: { spend: Math.ceil(count * Math.max(meanPrice * 0.2, market.shippingCost)), count },
    caps: { perUser: 1_000, windowHours: 24, cooldownMinutes: 0 },
  };
}

/** Bearer header for services that check API keys (ignored by those that do not). */
export const authHeader = (apiKey: string | undefined): Record<string, string> =>
  apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` };

export async function createCampaign(baseUrl: string, body: Record<string, unknown>, apiKey?: string): Promise<void> {
  const res = await fetch(`${baseUrl}/campaigns`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...authHeader(apiKey) },
    body: JSON.stringify(body),
  });
  if (res.status !== 201)
    throw new Error(`campaign ${String(body['id'])} not created: ${res.status} ${await res.text()}`);
}

export async function fetchReport(
  baseUrl: string,
  campaignId: string,
  apiKey?: string,
): Promise<Record<string, unknown>> {
  const res = await fetch(`${baseUrl}/campaigns/${encodeURIComponent(campaignId)}/report`, {
    headers: authHeader(apiKey),
  });
  if (!res.ok) throw new Error(`report of ${campaignId}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

/** What GET /models says of the incremental-profit learning loop. */
export interface LearningStatus {
  readonly joined: number;
  readonly pending: number;
  readonly refitCovered: number;
  /** The model version the answering instance serves (null before the first is published). */
  readonly serving?: string | null;
  /** The latest finished refit attempt: a refused one is why `serving` did not move. */
  readonly lastRefit?: RefitSummary | null;
}

export interface RefitSummary {
  readonly outcome: string;
  readonly covered: number;
  readonly reason: string;
}

export async function fetchLearningStatus(baseUrl: string, apiKey?: string): Promise<LearningStatus> {
  const res = await fetch(`${baseUrl}/models`, { headers: authHeader(apiKey) });
  if (!res.ok) throw new Error(`model status: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as {
    profit?: {
      joinedDecisions?: number;
      pendingDecisions?: number;
      refitCovered?: number;
      serving?: string | null;
      lastRefit?: { outcome?: string; covered?: number; promotion?: { reason?: string } } | null;
    };
  };
  const p = body.profit ?? {};
  const r = p.lastRefit;
  return {
    joined: p.joinedDecisions ?? 0,
    pending: p.pendingDecisions ?? 0,
    refitCovered: p.refitCovered ?? 0,
    ...(p.serving !== undefined ? { serving: p.serving } : {}),
    ...(r !== undefined
      ? {
          lastRefit:
            r === null
              ? null
              : { outcome: r.outcome ?? '?', covered: r.covered ?? 0, reason: r.promotion?.reason ?? '' },
        }
      : {}),
  };
}

/**
 * Whether the learning loop has caught up: every decision settled, and the latest refit attempt saw all but fewer
 * than `minNew` of them (the service does not refit for fewer, so waiting for those would never end).
 */
export function learningCaughtUp(s: LearningStatus, minNew: number): boolean {
  return s.pending === 0 && s.joined - s.refitCovered < minNew;
}

/** How long to wait for the learning loop between rounds, and how often to ask. */
export interface LearningWait {
  readonly minNew: number;
  readonly timeoutMs: number;
  readonly pollMs?: number;
}

/**
 * Polls GET /models until learning has caught up or `timeoutMs` has passed, then returns what it saw. A status read
 * that fails (a 500 while the service is busy refitting, a refused connection) is reported and asked again: it is a
 * status, not the run's data, and one bad answer should not end a run of many minutes. The last error is returned
 * when no read ever succeeded.
 */
export async function waitForLearning(
  baseUrl: string,
  apiKey: string | undefined,
  w: LearningWait,
  progress?: (line: string) => void,
): Promise<{ caughtUp: boolean; waitedMs: number; status?: LearningStatus; failures: number; lastError?: string }> {
  const started = Date.now();
  let status: LearningStatus | undefined;
  let failures = 0;
  let lastError: string | undefined;
  for (;;) {
    try {
      status = await fetchLearningStatus(baseUrl, apiKey);
      if (learningCaughtUp(status, w.minNew))
        return { caughtUp: true, waitedMs: Date.now() - started, status, failures };
    } catch (e) {
      failures++;
      lastError = e instanceof Error ? e.message : String(e);
      // The first failure and every tenth: enough to see a service that stays down without a line per poll.
      if (failures % 10 === 1) progress?.(`learning status failed (${failures}), asking again: ${lastError}`);
    }
    if (Date.now() - started > w.timeoutMs)
      return {
        caughtUp: false,
        waitedMs: Date.now() - started,
        ...(status ? { status } : {}),
        failures,
        ...(lastError !== undefined ? { lastError } : {}),
      };
    await new Promise((r) => setTimeout(r, w.pollMs ?? 500));
  }
}
