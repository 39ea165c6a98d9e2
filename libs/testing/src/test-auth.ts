import { createHash, randomBytes } from 'node:crypto';

const ROLES = ['admin', 'decider', 'reader', 'metrics', 'internal'] as const;
type TestRole = (typeof ROLES)[number];

const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

/** A key per role plus one with every role, generated once per test process (never a fixed secret in the repo). */
export const TEST_KEYS: Readonly<Record<TestRole | 'all', string>> = {
  all: `test-all-${randomBytes(16).toString('hex')}`,
  admin: `test-admin-${randomBytes(16).toString('hex')}`,
  decider: `test-decider-${randomBytes(16).toString('hex')}`,
  reader: `test-reader-${randomBytes(16).toString('hex')}`,
  metrics: `test-metrics-${randomBytes(16).toString('hex')}`,
  internal: `test-internal-${randomBytes(16).toString('hex')}`,
};

/**
 * Service settings that turn API keys on with TEST_KEYS: `test-all` holds every role (it is an internal caller, like
 * the suites' own tools), `test-<role>` just one (`test-decider` is a shop's key: it must send requestIds).
 */
export function testAuthEnv(): NodeJS.ProcessEnv {
  const entries = [
    `test-all:${ROLES.join('+')}:${sha256(TEST_KEYS.all)}`,
    ...ROLES.map((r) => `test-${r}:${r}:${sha256(TEST_KEYS[r])}`),
  ];
  return { AUTH_MODE: 'keys', API_KEYS: entries.join(',') };
}

/** Headers that authenticate as `who` (every role by default). */
export const authHeaders = (who: TestRole | 'all' = 'all'): Record<string, string> => ({
  authorization: `Bearer ${TEST_KEYS[who]}`,
});

/** fetch with the test key of `who` added: what suites that start services with testAuthEnv() call. */
export function authFetch(url: string, init: RequestInit = {}, who: TestRole | 'all' = 'all'): Promise<Response> {
  return fetch(url, {
    ...init,
    headers: { ...authHeaders(who), ...(init.headers as Record<string, string> | undefined) },
  });
}
