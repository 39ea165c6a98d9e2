import { ConfigError } from '@offerstream/core';
import { loadDecisionServiceConfig } from './decision-service.config';

describe('decision-service configuration', () => {
  it('takes the propensity refit defaults when nothing is set', () => {
    const s = loadDecisionServiceConfig({}).service;
    expect(s).toMatchObject({
      PROPENSITY_REFIT: true,
      PROPENSITY_REFIT_MS: 600_000,
      PROPENSITY_MIN_NEW: 500,
      PROPENSITY_HELD_OUT_SHARE: 0.2,
    });
  });

  it.each([
    ['PROPENSITY_REFIT_MS', 'soon'],
    ['PROPENSITY_MIN_NEW', '0'],
    ['PROPENSITY_HELD_OUT_SHARE', '0.9'],
    ['PROPENSITY_LOCK_MS', '-1'],
    ['BUDGET_SWEEP_MS', '5'],
  ])('refuses to start on a bad %s and names it', (variable, value) => {
    let error: unknown;
    try {
      loadDecisionServiceConfig({ [variable]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as ConfigError).message).toContain(variable);
  });

  it('refuses, in production, to call the GNN worker without a service key, and names the variable', () => {
    const url = { NODE_ENV: 'production', GNN_CANDIDATES_URL: 'http://gnn-worker:3003' };
    expect(() => loadDecisionServiceConfig(url)).toThrow(ConfigError);
    expect(() => loadDecisionServiceConfig(url)).toThrow(/GNN_CANDIDATES_API_KEY/);
    expect(loadDecisionServiceConfig({ ...url, GNN_CANDIDATES_API_KEY: 'k' }).service.GNN_CANDIDATES_API_KEY).toBe('k');
    // Development and a deployment without graph candidates need no key.
    expect(() => loadDecisionServiceConfig({ GNN_CANDIDATES_URL: 'http://127.0.0.1:3003' })).not.toThrow();
    expect(() => loadDecisionServiceConfig({ NODE_ENV: 'production' })).not.toThrow();
  });
});
