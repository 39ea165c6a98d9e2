/**
 * Shared by the service's integration suites (kept out of the spec files so each suite states only what it tests).
 * Near-greedy policy, so guardrail and logging tests do not hinge on exploration draws: 20% off on a 60% margin
 * beats no offer for a cold-start visitor under the prior. Campaigns are polled every 200 ms.
 */
export const GREEDY_SERVICE_ENV: Readonly<Record<string, string>> = {
  DEFAULT_CAMPAIGN: 'false',
  DEFAULT_MARGIN_RATE: '0.6',
  CAMPAIGN_POLL_MS: '200',
  BANDIT_EXPLORATION: '0.0001',
  BANDIT_EPSILON: '0.0001',
};

/** Creates a campaign over HTTP and waits a few polls so that every instance decides with it. */
export async function createCampaign(port: number, body: Record<string, unknown>): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port}/campaigns`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`campaign ${String(body['id'])} not created: ${res.status} ${await res.text()}`);
  await new Promise((r) => setTimeout(r, 600));
}
