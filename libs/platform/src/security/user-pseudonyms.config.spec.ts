import { ConfigError } from '@offerstream/core';
import { loadUserPseudonyms } from './user-pseudonyms.config';

const KEY = 'k'.repeat(32);
const OTHER = 'o'.repeat(40);

function fails(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadUserPseudonyms(env);
  } catch (e) {
    if (e instanceof ConfigError) return e;
  }
  throw new Error('expected a ConfigError');
}

describe('user pseudonym settings', () => {
  it('pass ids unchanged without a key, outside production only', () => {
    const plain = loadUserPseudonyms({});
    expect(plain.enabled).toBe(false);
    expect(plain.of('u-1')).toBe('u-1');
    expect(plain.event({ userId: 'u-1' })).toEqual({ userId: 'u-1' });
    expect(fails({ NODE_ENV: 'production' }).message).toMatch(/^USER_ID_HMAC_KEY: required when NODE_ENV=production/);
    expect(loadUserPseudonyms({ NODE_ENV: 'production', USER_ID_HMAC_KEY: KEY }).of('u-1')).toMatch(/^p1_/);
  });

  it('stop the boot naming the variable, never showing a key, when a key is short or the version wrong', () => {
    const short = fails({ USER_ID_HMAC_KEY: 'secret-but-short' });
    expect(short.variable).toBe('USER_ID_HMAC_KEY');
    expect(short.message).toMatch(/at least 32 bytes/);
    expect(short.message).not.toContain('secret-but-short');
    expect(fails({ USER_ID_HMAC_KEY: KEY, USER_ID_HMAC_KEY_PREVIOUS: 'short' }).variable).toBe(
      'USER_ID_HMAC_KEY_PREVIOUS',
    );
    expect(fails({ USER_ID_HMAC_KEY: KEY, USER_ID_HMAC_KEY_PREVIOUS: OTHER }).variable).toBe(
      'USER_ID_HMAC_KEY_VERSION',
    );
    expect(
      fails({ USER_ID_HMAC_KEY: KEY, USER_ID_HMAC_KEY_PREVIOUS: KEY, USER_ID_HMAC_KEY_VERSION: '2' }).variable,
    ).toBe('USER_ID_HMAC_KEY_PREVIOUS');
    expect(fails({ USER_ID_HMAC_KEY: KEY, USER_ID_HMAC_KEY_VERSION: 'x' }).variable).toBe('USER_ID_HMAC_KEY_VERSION');
    expect(fails({ USER_ID_HMAC_KEY_PREVIOUS: KEY }).variable).toBe('USER_ID_HMAC_KEY');
  });

  it('give the current and the previous pseudonym of an id during a rotation', () => {
    const rotating = loadUserPseudonyms({
      USER_ID_HMAC_KEY: OTHER,
      USER_ID_HMAC_KEY_VERSION: '2',
      USER_ID_HMAC_KEY_PREVIOUS: KEY,
    });
    const [current, previous] = rotating.all('u-1');
    expect(current).toMatch(/^p2_/);
    expect(previous).toBe(loadUserPseudonyms({ USER_ID_HMAC_KEY: KEY }).of('u-1'));
  });
});
