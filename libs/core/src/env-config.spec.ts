import { z } from 'zod';
import { envField, loadEnvConfig } from './env-config';
import { ConfigError } from './offerstream.error';

describe('environment config', () => {
  const shape = {
    PORT: envField.int(3000, 1, 65535),
    BROKERS: envField.list('a:1'),
    DEBUG: envField.bool(false),
    NAME: z.string().min(1),
  };

  it('applies defaults and coerces strings', () => {
    expect(loadEnvConfig(shape, { PORT: '8080', NAME: 'x', DEBUG: 'yes' })).toEqual({
      PORT: 8080,
      BROKERS: ['a:1'],
      DEBUG: true,
      NAME: 'x',
    });
  });

  it('names the offending variable when a value is bad', () => {
    expect(() => loadEnvConfig(shape, { PORT: '99999', NAME: 'x' })).toThrow(ConfigError);
    expect(() => loadEnvConfig(shape, { PORT: '99999', NAME: 'x' })).toThrow(/^PORT: /);
  });

  it('names a required variable that is missing or empty', () => {
    expect(() => loadEnvConfig(shape, { NAME: '' })).toThrow(/^NAME: /);
  });

  it('never repeats a secret variable or the password of a URL in its error', () => {
    const secrets = { KAFKA_SASL_PASSWORD: z.string().min(12), REDIS_URL: z.string().startsWith('rediss://') };
    const fail = (env: Record<string, string>): string => {
      try {
        loadEnvConfig(secrets, { KAFKA_SASL_PASSWORD: 'long-enough-secret', REDIS_URL: 'rediss://h', ...env });
      } catch (e) {
        return (e as Error).message;
      }
      throw new Error('expected a ConfigError');
    };
    const short = fail({ KAFKA_SASL_PASSWORD: 's3cret' });
    expect(short).toMatch(/^KAFKA_SASL_PASSWORD: .*<redacted, 6 characters>/);
    expect(short).not.toContain('s3cret');
    const url = fail({ REDIS_URL: 'redis://svc:hunter2@10.0.0.1:6379' });
    expect(url).toMatch(/^REDIS_URL: .*redis:\/\/svc:<redacted>@10\.0\.0\.1:6379/);
    expect(url).not.toContain('hunter2');
    // A password left unencoded (a slash in it) is still hidden; so is one without a user name.
    expect(fail({ REDIS_URL: 'redis://svc:a/b@h:6379' })).not.toContain('a/b');
    expect(fail({ REDIS_URL: 'redis://:only-pw@h:6379' })).toMatch(/redis:\/\/:<redacted>@h:6379/);
  });

  it('stops at a file setting that points at nothing readable, naming it', () => {
    const files = { CA_FILE: envField.file() };
    expect(loadEnvConfig(files, { CA_FILE: __filename }).CA_FILE).toBe(__filename);
    expect(loadEnvConfig(files, {}).CA_FILE).toBeUndefined();
    expect(() => loadEnvConfig(files, { CA_FILE: '/nonexistent/ca.pem' })).toThrow(
      /^CA_FILE: file does not exist or is not readable \(got "\/nonexistent\/ca.pem"\)/,
    );
  });
});
