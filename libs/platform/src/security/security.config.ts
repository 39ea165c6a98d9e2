import { z } from 'zod';
import { ConfigError, envField, loadEnvConfig } from '@offerstream/core';

/** HTTP security settings every service reads the same way (see docs/security.md). */
export function loadSecurityConfig(env: NodeJS.ProcessEnv = process.env) {
  const config = loadEnvConfig(
    {
      AUTH_MODE: z.enum(['keys', 'off']).default('keys'),
      NODE_ENV: z.string().optional(),
      API_KEYS: z.string().optional(),
      API_KEYS_FILE: z.string().optional(),
      API_KEYS_RELOAD_S: envField.int(10, 1, 3600),
      RATE_LIMIT_PER_S: envField.num(1000, 0),
      RATE_LIMIT_BURST: envField.int(2000, 1),
      HTTP_BODY_LIMIT_KB: envField.int(256, 1, 65_536),
      /** Interface the HTTP server binds to; 127.0.0.1 keeps a service off the network. */
      HTTP_HOST: envField.str('0.0.0.0'),
    },
    env,
  );
  if (config.AUTH_MODE === 'off' && config.NODE_ENV === 'production') {
    throw new ConfigError('AUTH_MODE', 'off is refused when NODE_ENV=production; configure API_KEYS or API_KEYS_FILE');
  }
  if (config.AUTH_MODE === 'keys' && config.API_KEYS === undefined && config.API_KEYS_FILE === undefined) {
    throw new ConfigError(
      'API_KEYS',
      'AUTH_MODE=keys (the default) needs API_KEYS or API_KEYS_FILE; AUTH_MODE=off is for local development only',
    );
  }
  return config;
}

export type SecurityConfig = ReturnType<typeof loadSecurityConfig>;
