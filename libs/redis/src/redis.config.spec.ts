import { loadRedisEnv } from './redis.config';

describe('Redis config', () => {
  it('accepts a TLS URL with a CA and a client certificate', () => {
    const cfg = loadRedisEnv({
      REDIS_URL: 'rediss://redis.internal:6380',
      REDIS_TLS_CA_FILE: __filename,
      REDIS_TLS_CERT_FILE: __filename,
      REDIS_TLS_KEY_FILE: __filename,
    });
    expect(cfg.REDIS_TLS_CERT_FILE).toBe(__filename);
  });

  it('names a CA file that cannot be read', () => {
    expect(() => loadRedisEnv({ REDIS_TLS_CA_FILE: '/nonexistent/ca.pem' })).toThrow(
      /^REDIS_TLS_CA_FILE: file does not exist or is not readable/,
    );
  });

  it('needs both halves of a client certificate for mutual TLS', () => {
    expect(() => loadRedisEnv({ REDIS_TLS_CERT_FILE: __filename })).toThrow(/^REDIS_TLS_KEY_FILE: /);
    expect(() => loadRedisEnv({ REDIS_TLS_KEY_FILE: __filename })).toThrow(/^REDIS_TLS_CERT_FILE: /);
  });

  it('does not repeat the password of a malformed URL in its error', () => {
    expect(() => loadRedisEnv({ REDIS_URL: 'http://svc:hunter2@redis:6379' })).toThrow(/svc:<redacted>@redis/);
  });
});
