import { readFileSync, statSync } from 'node:fs';
import type * as Jose from 'jose';
import { ConfigError, errorMessage } from '@offerstream/core';
import { ROLES, type Caller, type Role } from './api-keys';

/** Where OIDC tokens are checked against: the issuer's keys (JWKS) from a URL or a file, and what a token must say. */
export interface OidcSettings {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUrl?: string;
  readonly jwksFile?: string;
  /**
   * Claim holding the roles, dot path for nested claims (`realm_access.roles`); an array or a space-separated string.
   */
  readonly rolesClaim: string;
  readonly algorithms: readonly string[];
  /** How often a JWKS file's modification time is checked (its keys rotate without a restart). */
  readonly reloadMs: number;
}

const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** A bearer credential that has the shape of a JWT (three base64url parts); API keys never have two dots. */
export const looksLikeJwt = (credential: string): boolean => JWT.test(credential);

/**
 * The caller a verified token stands for: named after its subject (what audit logs and rate limits key on), with the
 * OfferStream roles its roles claim names; other roles in the claim are ignored, so an identity provider shared with
 * other applications cannot grant a role by accident of naming unless it uses ours.
 */
export function callerFromClaims(claims: Readonly<Record<string, unknown>>, rolesClaim: string): Caller {
  let value: unknown = claims;
  for (const part of rolesClaim.split('.')) {
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  }
  const listed = Array.isArray(value) ? value : typeof value === 'string' ? value.split(/\s+/) : [];
  const roles = new Set(
    listed.filter((r): r is Role => typeof r === 'string' && (ROLES as readonly string[]).includes(r)),
  );
  const subject = typeof claims['sub'] === 'string' && claims['sub'].length > 0 ? claims['sub'] : 'unknown';
  return { name: `jwt:${subject}`.slice(0, 128), roles };
}

/** Why a token was refused, in words a caller can act on, never echoing the token. */
function refusal(e: unknown): string {
  const code = e !== null && typeof e === 'object' && 'code' in e ? String(e.code) : '';
  if (code === 'ERR_JWT_EXPIRED') return 'token expired';
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') return `token rejected: ${errorMessage(e)}`;
  if (code === 'ERR_JWKS_NO_MATCHING_KEY') return 'token signed by a key the issuer does not publish';
  if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') return 'token signature invalid';
  if (code === 'ERR_JOSE_ALG_NOT_ALLOWED') return 'token algorithm not allowed';
  if (code === 'ERR_JWKS_TIMEOUT' || code === 'ERR_JWKS_INVALID') return 'the issuer keys could not be read';
  return 'token invalid';
}

export type JwtCheck = { caller: Caller } | { refused: string };

/**
 * Verifies OIDC access tokens (signature against the issuer's JWKS, issuer, audience, expiry, allowed algorithms) with
 * `jose`. A URL JWKS is fetched on first use, cached, and re-fetched when a token names an unknown key id (the
 * issuer's key rotation); a file JWKS is re-read when it changes. `jose` is loaded only when OIDC is configured.
 */
export class JwtVerifier {
  private fileStamp = '';
  private fileCheckedAt = 0;
  private keys: Jose.JWTVerifyGetKey;

  private constructor(
    private readonly jose: typeof Jose,
    private readonly settings: OidcSettings,
  ) {
    this.keys = settings.jwksUrl
      ? jose.createRemoteJWKSet(new URL(settings.jwksUrl), { timeoutDuration: 5_000, cooldownDuration: 30_000 })
      : this.readFile();
  }

  static async create(settings: OidcSettings): Promise<JwtVerifier> {
    return new JwtVerifier(await import('jose'), settings);
  }

  async verify(token: string): Promise<JwtCheck> {
    if (this.settings.jwksFile !== undefined) this.reloadFileIfChanged();
    try {
      const { payload } = await this.jose.jwtVerify(token, this.keys, {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        algorithms: [...this.settings.algorithms],
        requiredClaims: ['exp', 'sub'],
        clockTolerance: 30,
      });
      return { caller: callerFromClaims(payload, this.settings.rolesClaim) };
    } catch (e) {
      return { refused: refusal(e) };
    }
  }

  private readFile(): Jose.JWTVerifyGetKey {
    const file = this.settings.jwksFile ?? '';
    try {
      const st = statSync(file);
      const jwks = JSON.parse(readFileSync(file, 'utf8')) as Jose.JSONWebKeySet;
      const keys = this.jose.createLocalJWKSet(jwks);
      this.fileStamp = `${st.mtimeMs}:${st.size}`;
      this.fileCheckedAt = Date.now();
      return keys;
    } catch (e) {
      throw new ConfigError('OIDC_JWKS_FILE', `cannot read a JWKS from ${file}: ${errorMessage(e)}`);
    }
  }

  private reloadFileIfChanged(): void {
    if (Date.now() - this.fileCheckedAt < this.settings.reloadMs) return;
    this.fileCheckedAt = Date.now();
    try {
      const st = statSync(this.settings.jwksFile ?? '');
      if (`${st.mtimeMs}:${st.size}` !== this.fileStamp) this.keys = this.readFile();
    } catch {
      // A file that turns unreadable keeps the keys last read, like the API keys file.
    }
  }
}
