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
});
