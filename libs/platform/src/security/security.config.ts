import { z } from 'zod';
import { ConfigError, envField, loadEnvConfig } from '@offerstream/core';
import type { OidcSettings } from './jwt-verifier';

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
      /**
       * OIDC access tokens (JWT), beside or instead of API keys: the issuer, this API's audience, the issuer's JWKS.
       */
      OIDC_ISSUER: z.string().url().optional(),
      OIDC_AUDIENCE: z.string().min(1).optional(),
      OIDC_JWKS_URL: z.string().url().optional(),
      OIDC_JWKS_FILE: z.string().min(1).optional(),
      OIDC_ROLES_CLAIM: envField.str('roles'),
      OIDC_ALGORITHMS: envField.list('RS256,PS256,ES256,EdDSA'),
    },
    env,
  );
  if (config.AUTH_MODE === 'off' && config.NODE_ENV === 'production') {
    throw new ConfigError('AUTH_MODE', 'off is refused when NODE_ENV=production; configure API_KEYS or API_KEYS_FILE');
  }
  const oidc = oidcSettingsOf(config);
  if (
    config.AUTH_MODE === 'keys' &&
    config.API_KEYS === undefined &&
    config.API_KEYS_FILE === undefined &&
    oidc === undefined
  ) {
    throw new ConfigError(
      'API_KEYS',
      'AUTH_MODE=keys (the default) needs API_KEYS or API_KEYS_FILE (or OIDC_ISSUER with a JWKS); AUTH_MODE=off is for local development only',
    );
  }
  return { ...config, oidc };
}

export type SecurityConfig = ReturnType<typeof loadSecurityConfig>;

type OidcVariables = {
  [K in 'OIDC_ISSUER' | 'OIDC_AUDIENCE' | 'OIDC_JWKS_URL' | 'OIDC_JWKS_FILE']?: string | undefined;
} & { OIDC_ROLES_CLAIM: string; OIDC_ALGORITHMS: string[]; API_KEYS_RELOAD_S: number; NODE_ENV?: string | undefined };

/** OIDC is on when any of its variables is set, and then needs all it takes to check a token; else undefined. */
function oidcSettingsOf(c: OidcVariables): OidcSettings | undefined {
  const { OIDC_ISSUER: issuer, OIDC_AUDIENCE: audience, OIDC_JWKS_URL: url, OIDC_JWKS_FILE: file } = c;
  if (issuer === undefined && audience === undefined && url === undefined && file === undefined) return undefined;
  if (issuer === undefined) throw new ConfigError('OIDC_ISSUER', 'OIDC needs the issuer whose tokens are accepted');
  if (audience === undefined)
    throw new ConfigError('OIDC_AUDIENCE', "OIDC needs this API's audience: a token for another API is refused");
  if ((url === undefined) === (file === undefined))
    throw new ConfigError(
      'OIDC_JWKS_URL',
      "OIDC needs exactly one of OIDC_JWKS_URL and OIDC_JWKS_FILE (the issuer's keys)",
    );
  if (url !== undefined && c.NODE_ENV === 'production' && !url.startsWith('https://'))
    throw new ConfigError(
      'OIDC_JWKS_URL',
      'must be https:// when NODE_ENV=production (keys fetched in clear can be forged)',
    );
  const weak = c.OIDC_ALGORITHMS.filter((a) => a === 'none' || a.startsWith('HS'));
  if (weak.length > 0)
    throw new ConfigError(
      'OIDC_ALGORITHMS',
      `${weak.join(', ')} not allowed: tokens must be signed with the issuer's private key`,
    );
  return {
    issuer,
    audience,
    ...(url !== undefined ? { jwksUrl: url } : { jwksFile: file }),
    rolesClaim: c.OIDC_ROLES_CLAIM,
    algorithms: c.OIDC_ALGORITHMS,
    reloadMs: c.API_KEYS_RELOAD_S * 1000,
  };
}
