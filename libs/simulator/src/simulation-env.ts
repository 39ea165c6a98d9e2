import { createHash, randomBytes } from 'node:crypto';
import { TOPICS } from '@offerstream/contracts';
import type { GroupWait } from './simulation.runner';

/** The services a simulation runs against, in start order (the decision service asks the GNN worker for candidates). */
export const SIMULATION_SERVICES = ['stream-processor', 'gnn-worker', 'decision-service'] as const;
export type SimulationService = (typeof SIMULATION_SERVICES)[number];

/**
 * Compressed time for a simulation: simulated days pass in minutes, so the decision service polls campaigns and its
 * models often, closes a decision's attribution window 15 s after it (the simulator feeds purchases back within
 * seconds), refits the profit and propensity models every few seconds, and the GNN retrains as soon as a round's
 * graph is in. Each service gets its own consumer group (they all read the clickstream and must not split it).
 */
export function simulationServiceEnv(
  groupBase: string,
  gnnUrl: string,
  apiKey?: string,
): Record<SimulationService, Record<string, string>> {
  return {
    'stream-processor': { CONSUMER_GROUP: `${groupBase}-sp` },
    'gnn-worker': {
      CONSUMER_GROUP: `${groupBase}-gnn`,
      GNN_TRAIN_MIN_NEW: '2000',
      GNN_TRAIN_MIN_EDGES: '200',
      GNN_TRAIN_INTERVAL_MS: '15000',
      GNN_TRAIN_CHECK_MS: '2000',
    },
    'decision-service': {
      CONSUMER_GROUP: `${groupBase}-ds`,
      DEFAULT_CAMPAIGN: 'false',
      CAMPAIGN_POLL_MS: '200',
      PROFIT_POLL_MS: '500',
      GNN_CANDIDATES_URL: gnnUrl,
      // The run's key has the GNN worker's reader role.
      ...(apiKey ? { GNN_CANDIDATES_API_KEY: apiKey } : {}),
      GNN_TIMEOUT_MS: '100',
      ATTRIBUTION_WINDOW_H: String(15 / 3600),
      LEARNING_SETTLE_MS: '1000',
      PROFIT_REFIT_MS: '5000',
      PROFIT_MIN_NEW: '300',
      PROPENSITY_REFIT_MS: '5000',
      PROPENSITY_MIN_NEW: '200',
      PROPENSITY_POLL_MS: '500',
      BUDGET_SWEEP_MS: '1000',
    },
  };
}

/** Which consumer groups must have caught up before requests go out and before a report is read. */
export function simulationWaits(
  streamGroup: string,
  decisionGroup: string,
): { beforeRequests: GroupWait[]; beforeReport: GroupWait[] } {
  return {
    beforeRequests: [
      { groupId: `${streamGroup}.catalog`, spec: TOPICS.catalog },
      { groupId: streamGroup, spec: TOPICS.clickstream },
      { groupId: `${decisionGroup}.clickstream`, spec: TOPICS.clickstream },
    ],
    beforeReport: [
      { groupId: `${decisionGroup}.offer-outcomes`, spec: TOPICS.offerOutcomes },
      { groupId: `${decisionGroup}.clickstream`, spec: TOPICS.clickstream },
    ],
  };
}

/**
 * A fresh API key for the services a simulation starts (every role), generated per run so no secret is fixed in
 * the repo; services that do not check keys ignore both the setting and the header.
 */
export function simulationAuth(): { apiKey: string; env: Record<string, string> } {
  const apiKey = `sim-${randomBytes(16).toString('hex')}`;
  const hash = createHash('sha256').update(apiKey, 'utf8').digest('hex');
  return { apiKey, env: { AUTH_MODE: 'keys', API_KEYS: `simulator:admin+decider+reader+metrics:${hash}` } };
}
