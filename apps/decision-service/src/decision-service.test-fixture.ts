import { POLICY_FEATURES, POLICY_FEATURES_VERSION, ProfitModelStore } from '@offerstream/decision';
import type { Offer } from '@offerstream/contracts';
import { CatalogWriter, loadFeatureStoreConfig } from '@offerstream/feature-store';
import type { RedisClient } from '@offerstream/redis';
import { freePort, ServiceProcess } from '@offerstream/testing';
import { CONVERSION_MODEL_VERSION, type ConversionModelSnapshot } from '@offerstream/uplift';

/**
 * Shared by the service's integration suites (kept out of the spec files so each suite states only what it tests).
 * A greedy policy (no exploration), so guardrail and logging tests do not hinge on exploration draws; the model
 * it decides with is published by the test (`publishProfitModel`). Campaigns are polled every 200 ms.
 */
/**
 * Uniform exploration on every decision and no model to learn from: most decisions are offers, of every type the
 * campaign allows (the console's browser tests, whose charts and lists need offers to show).
 */
export const EXPLORING_SERVICE_ENV: Readonly<Record<string, string>> = {
  DEFAULT_CAMPAIGN: 'false',
  DEFAULT_MARGIN_RATE: '0.6',
  CAMPAIGN_POLL_MS: '200',
  EXPLORATION_MAX: '1',
  EXPLORATION_MIN: '1',
};

export const GREEDY_SERVICE_ENV: Readonly<Record<string, string>> = {
  DEFAULT_CAMPAIGN: 'false',
  DEFAULT_MARGIN_RATE: '0.6',
  CAMPAIGN_POLL_MS: '200',
  PROFIT_POLL_MS: '200',
  EXPLORATION_MAX: '0',
  EXPLORATION_MIN: '0',
};

/**
 * Publishes a conversion model that knows each listed action's purchase probability exactly (constant in the
 * features, well-supported), as if learned from many joined decisions; unlisted actions keep no offer's probability
 * (the neutral prior) and so never beat no offer. Instances pick it up within PROFIT_POLL_MS.
 */
export async function publishProfitModel(
  redis: RedisClient,
  conversions: Readonly<Record<string, number>>,
): Promise<void> {
  const d = POLICY_FEATURES.length;
  const p = d + 1;
  const logit = (q: number): number => Math.log(q / (1 - q));
  const model: ConversionModelSnapshot = {
    version: CONVERSION_MODEL_VERSION,
    lambda: 1,
    offerLambda: 20,
    maxWeight: 20,
    featureMean: new Array<number>(d).fill(0),
    featureScale: new Array<number>(d).fill(1),
    extraPerPurchase: 0,
    actions: Object.fromEntries(
      Object.entries({ none: NO_OFFER_CONVERSION, ...conversions }).map(([action, q]) => [
        action,
        {
          n: 10_000,
          conversions: Math.round(10_000 * q),
          coefficients: [logit(q), ...new Array<number>(d).fill(0)],
          covariance: new Array<number>(p * p).fill(0),
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
  // Every instance polls every 200 ms (PROFIT_POLL_MS); a loaded CI machine needed more than three polls' time.
  await new Promise((r) => setTimeout(r, 1_500));
}

const NO_OFFER_CONVERSION = 0.05;

/**
 * Purchase probability under each offer: every offer pays at any margin, and the deeper discount pays more than the
 * shallower or free shipping (0.99 x 80% beats 0.5 x 90% of the price, and 0.6 x the margin), so a greedy policy
 * offers the deepest discount it may.
 */
export const OFFERS_PAY: Readonly<Record<string, number>> = {
  pct10: 0.5,
  pct20: 0.99,
  fixed19: 0.9,
  fixed20: 0.9,
  free_shipping: 0.6,
  coupon5: 0.6,
};

/**
 * The stream processor and a decision service on one environment, the pipeline from the clickstream to decisions,
 * each on a port of its own and both ready; returns both processes (for the suite to stop) and the decision port.
 */
export async function startPipeline(env: NodeJS.ProcessEnv): Promise<{ services: ServiceProcess[]; port: number }> {
  const spPort = await freePort();
  const port = await freePort();
  const services = await ServiceProcess.startAllReady(
    [
      { app: 'stream-processor', env, port: spPort },
      { app: 'decision-service', env, port },
    ],
    120_000,
  );
  return { services, port };
}

/** A request to the service under test, e.g. a service harness's `fetch`, which sends the test key. */
export type ServiceFetch = (path: string, init: RequestInit) => Promise<Response>;

/**
 * Creates a campaign over HTTP (on a port without API keys, or through `ServiceFetch`) and waits a few polls so that
 * every instance decides with it.
 */
export async function createCampaign(service: number | ServiceFetch, body: Record<string, unknown>): Promise<void> {
  const send: ServiceFetch =
    typeof service === 'number' ? (path, init) => fetch(`http://127.0.0.1:${service}${path}`, init) : service;
  const res = await send('/campaigns', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201)
    throw new Error(`campaign ${String(body['id'])} not created: ${res.status} ${await res.text()}`);
  // Campaigns are polled every 200 ms (CAMPAIGN_POLL_MS); three polls and some slack.
  await new Promise((r) => setTimeout(r, 700));
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

/**
 * Writes items into the catalog as the stream processor would from the catalog topic: POST /decisions refuses a
 * price the catalog does not have, and offers are costed on these prices only.
 */
export async function publishCatalog(
  redis: RedisClient,
  items: readonly { itemId: string; price: number; marginRate?: number; categoryPath?: string[] }[],
): Promise<void> {
  const writer = new CatalogWriter(redis, loadFeatureStoreConfig({}));
  await writer.applyBatch(
    0,
    items.map((i, k) => ({
      offset: String(k),
      event: {
        eventId: `catalog-${i.itemId}`,
        schemaVersion: '1.0',
        occurredAt: new Date().toISOString(),
        producer: 'int-test',
        type: 'item_upsert',
        payload: {
          itemId: i.itemId,
          title: i.itemId,
          description: '',
          categoryPath: i.categoryPath ?? [],
          price: i.price,
          currency: 'EUR',
          stock: 100,
          tags: [],
          ...(i.marginRate !== undefined ? { marginRate: i.marginRate } : {}),
        },
      },
    })),
  );
}
