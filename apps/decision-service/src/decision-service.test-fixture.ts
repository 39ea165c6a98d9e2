import { POLICY_FEATURES, POLICY_FEATURES_VERSION, ProfitModelStore } from '@offerstream/decision';
import type { Offer } from '@offerstream/contracts';
import type { RedisClient } from '@offerstream/redis';
import { REWARD_MODEL_VERSION, type RewardModelSnapshot } from '@offerstream/uplift';

/**
 * Shared by the service's integration suites (kept out of the spec files so each suite states only what it tests).
 * A greedy policy (no exploration), so guardrail and logging tests do not hinge on exploration draws; the model
 * it decides with is published by the test (`publishProfitModel`). Campaigns are polled every 200 ms.
 */
export const GREEDY_SERVICE_ENV: Readonly<Record<string, string>> = {
  DEFAULT_CAMPAIGN: 'false',
  DEFAULT_MARGIN_RATE: '0.6',
  CAMPAIGN_POLL_MS: '200',
  PROFIT_POLL_MS: '200',
  EXPLORATION_MAX: '0',
  EXPLORATION_MIN: '0',
};

/**
 * Publishes an incremental-profit model that knows each listed action's expected profit exactly (constant in the
 * features, well-supported), as if learned from many joined decisions; unlisted actions fall back to the neutral
 * prior and are never chosen over no offer. Instances pick it up within PROFIT_POLL_MS.
 */
export async function publishProfitModel(redis: RedisClient, means: Readonly<Record<string, number>>): Promise<void> {
  const d = POLICY_FEATURES.length;
  const p = d + 1;
  const model: RewardModelSnapshot = {
    version: REWARD_MODEL_VERSION,
    lambda: 1,
    maxWeight: 20,
    featureMean: new Array<number>(d).fill(0),
    featureScale: new Array<number>(d).fill(1),
    baseline: 0,
    actions: Object.fromEntries(
      Object.entries({ none: 0, ...means }).map(([action, mean]) => [
        action,
        {
          n: 10_000,
          coefficients: [mean, ...new Array<number>(d).fill(0)],
          covariance: new Array<number>(p * p).fill(0),
          noiseVariance: 1,
        },
      ]),
    ),
  };
  const store = new ProfitModelStore(redis, POLICY_FEATURES_VERSION);
  const current = await store.published();
  const seq = await store.publish(
    {
      model,
      features: POLICY_FEATURES_VERSION,
      examples: 10_000,
      promotion: { reason: 'published by a test' },
      publishedAt: new Date().toISOString(),
    },
    current?.seq ?? 0,
  );
  if (seq === undefined) throw new Error('another model was published concurrently');
  await new Promise((r) => setTimeout(r, 600));
}

/** Every offer pays: deeper discounts more, so a greedy policy always offers the deepest one it may. */
export const OFFERS_PAY: Readonly<Record<string, number>> = {
  pct10: 100,
  pct20: 120,
  fixed19: 110,
  fixed20: 110,
  free_shipping: 90,
  coupon5: 50,
};

/** Creates a campaign over HTTP and waits a few polls so that every instance decides with it. */
export async function createCampaign(port: number, body: Record<string, unknown>): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port}/campaigns`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201)
    throw new Error(`campaign ${String(body['id'])} not created: ${res.status} ${await res.text()}`);
  await new Promise((r) => setTimeout(r, 600));
}

/** The body of a `POST /decisions` answer, as the suites read it. */
export interface DecisionBody {
  decisionId: string;
  kind: 'offer' | 'holdout' | 'no_offer' | 'duplicate';
  reason: string;
  offer?: Offer;
  reasonCodes: string[];
  probability?: number;
  record?: unknown;
}
