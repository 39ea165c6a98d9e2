import { hashApiKey } from './api-keys';
import { loadSecurityConfig } from './security.config';

const KEYS = `ops:admin:${hashApiKey('k')}`;

describe('loadSecurityConfig', () => {
  it('requires keys by default and says how to run without them', () => {
    expect(() => loadSecurityConfig({})).toThrow(
      /^API_KEYS: AUTH_MODE=keys \(the default\) needs API_KEYS or API_KEYS_FILE/,
    );
    expect(loadSecurityConfig({ API_KEYS: KEYS })).toMatchObject({
      AUTH_MODE: 'keys',
      HTTP_BODY_LIMIT_KB: 256,
      RATE_LIMIT_PER_S: 1000,
    });
  });

  it('allows AUTH_MODE=off for development and refuses it in production, naming the variable', () => {
    expect(loadSecurityConfig({ AUTH_MODE: 'off' }).AUTH_MODE).toBe('off');
    expect(() => loadSecurityConfig({ AUTH_MODE: 'off', NODE_ENV: 'production' })).toThrow(
      /^AUTH_MODE: off is refused when NODE_ENV=production/,
    );
    expect(() => loadSecurityConfig({ AUTH_MODE: 'none' })).toThrow(/^AUTH_MODE/);
  });
});
