import { z } from 'zod';
import { ConfigError, envField, loadEnvConfig, MIN_USER_ID_KEY_BYTES, UserPseudonyms } from '@offerstream/core';

const longEnough = [
  (k: string): boolean => Buffer.byteLength(k) >= MIN_USER_ID_KEY_BYTES,
  `must be at least ${MIN_USER_ID_KEY_BYTES} bytes`,
] as const;

/**
 * The service's user pseudonyms (docs/security.md, Pseudonymous ids): USER_ID_HMAC_KEY, at least 32 bytes and
 * required when NODE_ENV=production; USER_ID_HMAC_KEY_VERSION, the prefix of its pseudonyms; and during a rotation
 * USER_ID_HMAC_KEY_PREVIOUS (version - 1), whose pseudonyms erasure removes too. A bad value stops the boot naming
 * the variable; boot errors never show a key (env-config redacts *HMAC* variables).
 */
export function loadUserPseudonyms(env: NodeJS.ProcessEnv = process.env): UserPseudonyms {
  const c = loadEnvConfig(
    {
      NODE_ENV: z.string().optional(),
      USER_ID_HMAC_KEY: z
        .string()
        .refine(...longEnough)
        .optional(),
      USER_ID_HMAC_KEY_VERSION: envField.int(1, 1, 999),
      USER_ID_HMAC_KEY_PREVIOUS: z
        .string()
        .refine(...longEnough)
        .optional(),
    },
    env,
  );
  if (c.USER_ID_HMAC_KEY === undefined) {
    if (c.NODE_ENV === 'production') {
      throw new ConfigError('USER_ID_HMAC_KEY', 'required when NODE_ENV=production (at least 32 bytes, from a Secret)');
    }
    if (c.USER_ID_HMAC_KEY_PREVIOUS !== undefined) {
      throw new ConfigError('USER_ID_HMAC_KEY', 'a previous key without a current one');
    }
    return UserPseudonyms.plain();
  }
  if (c.USER_ID_HMAC_KEY_PREVIOUS !== undefined) {
    if (c.USER_ID_HMAC_KEY_PREVIOUS === c.USER_ID_HMAC_KEY) {
      throw new ConfigError('USER_ID_HMAC_KEY_PREVIOUS', 'must differ from USER_ID_HMAC_KEY');
    }
    if (c.USER_ID_HMAC_KEY_VERSION < 2) {
      throw new ConfigError(
        'USER_ID_HMAC_KEY_VERSION',
        'must be at least 2 with a previous key (which is version - 1)',
      );
    }
  }
  return UserPseudonyms.keyed(c.USER_ID_HMAC_KEY, c.USER_ID_HMAC_KEY_VERSION, c.USER_ID_HMAC_KEY_PREVIOUS);
}
