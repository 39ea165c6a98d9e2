import { hashApiKey } from './api-keys';
import { callerFromClaims, looksLikeJwt } from './jwt-verifier';
import { loadSecurityConfig } from './security.config';

describe('OIDC tokens', () => {
  it('tells a JWT from an API key by its shape alone', () => {
    expect(looksLikeJwt('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln')).toBe(true);
    expect(looksLikeJwt('Zm9vYmFyYmF6cXV4cXV1eA')).toBe(false);
    expect(looksLikeJwt('a.b')).toBe(false);
    expect(looksLikeJwt('a.b.c.d')).toBe(false);
  });

  it('names the caller after the subject and keeps only OfferStream roles from the claim, nested or as a string', () => {
    const c = callerFromClaims({ sub: 'svc-shop', roles: ['decider', 'offline_access', 'reader'] }, 'roles');
    expect(c.name).toBe('jwt:svc-shop');
    expect([...c.roles].sort()).toEqual(['decider', 'reader']);
    const keycloak = callerFromClaims({ sub: 'ops', realm_access: { roles: ['admin'] } }, 'realm_access.roles');
    expect([...keycloak.roles]).toEqual(['admin']);
    expect([...callerFromClaims({ sub: 's', scope: 'metrics openid' }, 'scope').roles]).toEqual(['metrics']);
    expect(callerFromClaims({ sub: 's' }, 'roles').roles.size).toBe(0);
    expect(callerFromClaims({ sub: 's', roles: 'superuser' }, 'roles').roles.size).toBe(0);
  });

  const oidc = {
    OIDC_ISSUER: 'https://id.example.com/realms/shop',
    OIDC_AUDIENCE: 'offerstream',
    OIDC_JWKS_URL: 'https://id.example.com/realms/shop/certs',
  };

  it('turns OIDC on when its variables are set, with or without API keys', () => {
    const c = loadSecurityConfig(oidc);
    expect(c.oidc).toEqual({
      issuer: oidc.OIDC_ISSUER,
      audience: 'offerstream',
      jwksUrl: oidc.OIDC_JWKS_URL,
      rolesClaim: 'roles',
      algorithms: ['RS256', 'PS256', 'ES256', 'EdDSA'],
      reloadMs: 10_000,
    });
    expect(loadSecurityConfig({ ...oidc, API_KEYS: `ops:admin:${hashApiKey('k')}` }).oidc?.issuer).toBe(
      oidc.OIDC_ISSUER,
    );
    expect(loadSecurityConfig({ API_KEYS: `ops:admin:${hashApiKey('k')}` }).oidc).toBeUndefined();
  });

  it.each([
    [{ ...oidc, OIDC_ISSUER: undefined }, 'OIDC_ISSUER'],
    [{ ...oidc, OIDC_AUDIENCE: undefined }, 'OIDC_AUDIENCE'],
    [{ ...oidc, OIDC_JWKS_URL: undefined }, 'OIDC_JWKS_URL'],
    [{ ...oidc, OIDC_JWKS_FILE: '/etc/jwks.json' }, 'OIDC_JWKS_URL'],
    [{ ...oidc, OIDC_JWKS_URL: 'http://id.internal/certs', NODE_ENV: 'production' }, 'OIDC_JWKS_URL'],
    [{ ...oidc, OIDC_ALGORITHMS: 'RS256,HS256' }, 'OIDC_ALGORITHMS'],
    [{ ...oidc, OIDC_ALGORITHMS: 'none' }, 'OIDC_ALGORITHMS'],
  ])('refuses an incomplete or unsafe OIDC setting and names %#', (env, variable) => {
    expect(() => loadSecurityConfig(env)).toThrow(new RegExp(`^${variable}: `));
  });
});
