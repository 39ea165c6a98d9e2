import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authHeaders, serviceHarness } from '@offerstream/testing';

const ISSUER = 'https://id.test/realms/shop';
const AUDIENCE = 'offerstream';

/** An issuer's RSA signing key, as its JWKS publishes it. */
function signingKey(kid: string): { kid: string; privateKey: KeyObject; jwk: Record<string, unknown> } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' } };
}

const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');

/** An RS256 JWT signed with node:crypto, as an identity provider would issue it. */
function token(key: { kid: string; privateKey: KeyObject }, claims: Record<string, unknown>): string {
  const now = Math.floor(Date.now() / 1000);
  const body = `${b64({ alg: 'RS256', typ: 'JWT', kid: key.kid })}.${b64({ iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 300, ...claims })}`;
  return `${body}.${createSign('RSA-SHA256').update(body).sign(key.privateKey).toString('base64url')}`;
}

/**
 * OIDC access tokens beside API keys on a running service (any service; the GNN worker boots fastest): the signature
 * is checked against the issuer's JWKS (from a file, then from a URL), and issuer, audience, expiry and roles apply.
 */
describe('OIDC access tokens on a running service', () => {
  const h = serviceHarness('gnn-worker');
  const issuerKey = signingKey('k1');
  const stranger = signingKey('k1');
  let dir: string;
  let jwksServer: Server | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'jwks-'));
  });
  afterEach(async () => {
    rmSync(dir, { recursive: true, force: true });
    await new Promise((r) => (jwksServer ? jwksServer.close(r) : r(undefined)));
    jwksServer = undefined;
  });

  const call = async (bearer: string): Promise<{ status: number; message: string }> => {
    const res = await fetch(h.url('/model'), { headers: { authorization: `Bearer ${bearer}` } });
    const body = (await res.json()) as { message?: string };
    return { status: res.status, message: body.message ?? '' };
  };

  it('accepts a valid token with the route role and refuses expired, foreign, forged and role-less ones', async () => {
    const file = join(dir, 'jwks.json');
    writeFileSync(file, JSON.stringify({ keys: [issuerKey.jwk] }));
    await h.start({ OIDC_ISSUER: ISSUER, OIDC_AUDIENCE: AUDIENCE, OIDC_JWKS_FILE: file });

    expect((await call(token(issuerKey, { sub: 'svc-reports', roles: ['reader'] }))).status).toBe(200);
    expect(await call(token(issuerKey, { sub: 'svc-scraper', roles: ['metrics'] }))).toEqual({
      status: 403,
      message: 'key jwt:svc-scraper lacks the role this route needs (reader)',
    });
    const now = Math.floor(Date.now() / 1000);
    expect(await call(token(issuerKey, { sub: 'a', roles: ['reader'], exp: now - 120 }))).toEqual({
      status: 401,
      message: 'token expired',
    });
    expect(await call(token(issuerKey, { sub: 'a', roles: ['reader'], aud: 'another-api' }))).toEqual({
      status: 401,
      message: 'token rejected: unexpected "aud" claim value',
    });
    expect((await call(token(issuerKey, { sub: 'a', roles: ['reader'], iss: 'https://evil.test' }))).status).toBe(401);
    // The same key id, another private key: the signature does not verify against the published key.
    expect(await call(token(stranger, { sub: 'a', roles: ['reader'] }))).toEqual({
      status: 401,
      message: 'token signature invalid',
    });
    expect((await call(`${token(issuerKey, { sub: 'a', roles: ['reader'] }).slice(0, -4)}AAAA`)).status).toBe(401);
    // API keys keep working beside tokens.
    expect((await fetch(h.url('/model'), { headers: authHeaders('reader') })).status).toBe(200);
  });

  it("fetches the issuer's keys from its JWKS URL", async () => {
    let fetched = 0;
    jwksServer = createServer((_, res) => {
      fetched++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [issuerKey.jwk] }));
    });
    await new Promise<void>((r) => jwksServer?.listen(0, '127.0.0.1', r));
    const address = jwksServer.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    await h.start({ OIDC_ISSUER: ISSUER, OIDC_AUDIENCE: AUDIENCE, OIDC_JWKS_URL: `http://127.0.0.1:${port}/certs` });

    expect((await call(token(issuerKey, { sub: 'svc-reports', roles: 'reader openid' }))).status).toBe(200);
    expect((await call(token(issuerKey, { sub: 'svc-reports', roles: ['reader'] }))).status).toBe(200);
    expect((await call(token(stranger, { sub: 'a', roles: ['reader'] }))).status).toBe(401);
    expect(fetched).toBe(1);
  });
});
