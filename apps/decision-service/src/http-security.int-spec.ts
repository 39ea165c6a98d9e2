import { AuditLog } from '@offerstream/platform';
import { authHeaders, serviceHarness } from '@offerstream/testing';
import { GREEDY_SERVICE_ENV, OFFERS_PAY, publishCatalog, publishProfitModel } from './decision-service.test-fixture';
import { REQUEST_ID_REQUIRED } from './decisions.controller';

type Who = 'admin' | 'decider' | 'reader' | 'metrics' | 'internal' | 'all' | 'none' | 'unknown';

/**
 * Access control, abuse limits and headers of a real decision service started with API keys (the same guard runs in
 * every service, from libs/platform): each route answers 401 without a known key, 403 with a key lacking its role,
 * and 2xx with the right one.
 */
describe('decision service HTTP security', () => {
  const h = serviceHarness('decision-service', GREEDY_SERVICE_ENV);

  const call = async (
    who: Who,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: Record<string, unknown> }> => {
    const auth = who === 'none' ? {} : who === 'unknown' ? { authorization: 'Bearer not-a-key' } : authHeaders(who);
    const res = await fetch(h.url(path), {
      method,
      headers: { ...auth, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };

  it('gives each route to its role only, answers 401 and 403 with a clear body, and audits campaign changes', async () => {
    await h.start();
    const spring = { id: 'spring', name: 'Spring sale', budget: { spend: 500, count: 20 }, holdoutShare: 0.1 };
    const matrix: [Who, string, string, unknown, number][] = [
      ['none', 'GET', '/health/live', undefined, 200],
      ['none', 'GET', '/health/ready', undefined, 200],
      ['none', 'GET', '/console', undefined, 200],
      ['none', 'GET', '/console/assets/app.js', undefined, 200],
      ['none', 'GET', '/console/session', undefined, 401],
      ['metrics', 'GET', '/console/session', undefined, 200],
      ['none', 'GET', '/campaigns', undefined, 401],
      ['unknown', 'GET', '/campaigns', undefined, 401],
      ['metrics', 'GET', '/campaigns', undefined, 403],
      ['reader', 'POST', '/campaigns', spring, 403],
      ['decider', 'POST', '/campaigns', spring, 403],
      ['admin', 'POST', '/campaigns', spring, 201],
      ['reader', 'GET', '/campaigns', undefined, 200],
      ['reader', 'GET', '/campaigns/spring', undefined, 200],
      ['reader', 'GET', '/campaigns/spring/report', undefined, 200],
      ['decider', 'GET', '/campaigns/spring/report', undefined, 403],
      ['reader', 'PATCH', '/campaigns/spring', { budget: { spend: 1e9, count: 20 } }, 403],
      ['admin', 'PATCH', '/campaigns/spring', { budget: { spend: 600, count: 20 } }, 200],
      ['reader', 'PUT', '/campaigns/spring/pause', undefined, 403],
      ['admin', 'PUT', '/campaigns/spring/pause', undefined, 200],
      ['admin', 'PUT', '/campaigns/spring/resume', undefined, 200],
      ['none', 'POST', '/decisions', { userId: 'u-1', placement: 'home' }, 401],
      ['reader', 'POST', '/decisions', { userId: 'u-1', placement: 'home' }, 403],
      ['admin', 'POST', '/decisions', { userId: 'u-1', placement: 'home' }, 403],
      ['decider', 'POST', '/decisions', { userId: 'u-1', placement: 'home', requestId: 'r-1' }, 200],
      ['internal', 'POST', '/decisions', { userId: 'u-1', placement: 'home', requestId: 'r-2' }, 403],
      ['reader', 'GET', '/metrics', undefined, 403],
      ['metrics', 'GET', '/metrics', undefined, 200],
    ];
    const got: string[] = [];
    for (const [who, method, path, body] of matrix)
      got.push(`${who} ${method} ${path} -> ${(await call(who, method, path, body)).status}`);
    expect(got).toEqual(matrix.map(([who, method, path, , status]) => `${who} ${method} ${path} -> ${status}`));

    expect((await call('none', 'GET', '/campaigns')).json).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: expect.stringMatching(/Authorization: Bearer/) as unknown,
    });
    expect((await call('unknown', 'GET', '/campaigns')).json).toMatchObject({
      statusCode: 401,
      message: 'unknown API key',
    });
    expect((await call('metrics', 'GET', '/campaigns')).json).toEqual({
      statusCode: 403,
      error: 'Forbidden',
      message: 'key test-metrics lacks the role this route needs (reader)',
    });
    const viaHeader = await fetch(h.url('/campaigns'), {
      headers: { 'x-api-key': authHeaders('reader')['authorization']!.slice('Bearer '.length) },
    });
    expect(viaHeader.status).toBe(200);

    const audit = (await new AuditLog(h.ctx.redis).recent()).reverse();
    expect(audit.map((a) => [a.actor, a.action, a.target])).toEqual([
      ['test-admin', 'campaign.create', 'spring'],
      ['test-admin', 'campaign.update', 'spring'],
      ['test-admin', 'campaign.pause', 'spring'],
      ['test-admin', 'campaign.resume', 'spring'],
    ]);
    expect(audit[0]!.before).toBeNull();
    expect(audit[1]!.before).toMatchObject({ budget: { spend: 500 } });
    expect(audit[1]!.after).toMatchObject({ budget: { spend: 600 } });
    expect(audit[2]!.after).toMatchObject({ status: 'paused' });
    expect(Date.parse(audit[0]!.at)).toBeGreaterThan(Date.now() - 120_000);
  });

  it('refuses an oversized body with 413, limits each key to its rate with 429, and sends secure headers', async () => {
    await h.start({ RATE_LIMIT_PER_S: '0.2', RATE_LIMIT_BURST: '3' });
    const big = JSON.stringify({ userId: 'u-1', placement: 'home', context: { padding: 'x'.repeat(3_000_000) } });
    const tooLarge = await fetch(h.url('/decisions'), {
      method: 'POST',
      headers: { ...authHeaders('decider'), 'content-type': 'application/json' },
      body: big,
    });
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toEqual({
      statusCode: 413,
      error: 'PAYLOAD_TOO_LARGE',
      message: 'request body larger than the 256 kB limit',
    });

    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await call('reader', 'GET', '/campaigns')).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await fetch(h.url('/campaigns'), { headers: authHeaders('reader') });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await limited.json()) as { message: string }).message).toMatch(/test-reader is over 0.2 requests\/s/);
    // Another key has its own bucket. Roles do not imply each other: the all-roles key reads campaigns, admin alone
    // may not.
    expect((await fetch(h.url('/campaigns'), { headers: authHeaders('all') })).status).toBe(200);

    for (const path of ['/console', '/console/assets/app.js', '/health/live']) {
      const res = await fetch(h.url(path));
      expect(res.headers.get('x-powered-by')).toBeNull();
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
    }
  });

  it('requires a requestId from shop keys and answers their retry with the first decision, not a second offer', async () => {
    await publishProfitModel(h.ctx.redis, OFFERS_PAY);
    await publishCatalog(h.ctx.redis, [{ itemId: 'sku-1', price: 100 }]);
    await h.start();
    const created = await call('admin', 'POST', '/campaigns', {
      id: 'retry',
      name: 'Retry',
      budget: { spend: 500, count: 20 },
      holdoutShare: 0,
    });
    expect(created.status).toBe(201);
    await new Promise((r) => setTimeout(r, 700));
    const body = { userId: 'u-retry', placement: 'home', items: [{ itemId: 'sku-1', price: 100 }] };

    expect(await call('decider', 'POST', '/decisions', body)).toEqual({
      status: 400,
      json: { statusCode: 400, error: 'VALIDATION_FAILED', message: REQUEST_ID_REQUIRED },
    });
    const first = await call('decider', 'POST', '/decisions', { ...body, requestId: 'page-7f1' });
    const retried = await call('decider', 'POST', '/decisions', { ...body, requestId: 'page-7f1' });
    expect([first.status, retried.status]).toEqual([200, 200]);
    expect(first.json['kind']).toBe('offer');
    expect(retried.json['kind']).toBe('duplicate');
    expect(retried.json['decisionId']).toBe(first.json['decisionId']);
    // A key holding the internal role (another OfferStream service, a load test) answers for its own retries.
    expect((await call('all', 'POST', '/decisions', { ...body, userId: 'u-internal' })).status).toBe(200);
  });

  it('costs offers on catalog prices only and refuses a stated price the catalog does not have', async () => {
    await publishProfitModel(h.ctx.redis, OFFERS_PAY);
    await publishCatalog(h.ctx.redis, [{ itemId: 'sku-1', price: 100 }]);
    await h.start();
    const created = await call('admin', 'POST', '/campaigns', {
      id: 'prices',
      name: 'Prices',
      budget: { spend: 500, count: 20 },
      holdoutShare: 0,
      offerTypes: { percentDiscounts: [20], freeShipping: false, bundle: false, recommendation: false },
    });
    expect(created.status).toBe(201);
    await new Promise((r) => setTimeout(r, 700));
    const decide = (requestId: string, items: unknown): Promise<{ status: number; json: Record<string, unknown> }> =>
      call('decider', 'POST', '/decisions', { userId: `u-${requestId}`, placement: 'product', requestId, items });

    const unknown = await decide('p-1', [{ itemId: 'sku-unlisted', price: 1e9 }]);
    expect(unknown).toEqual({
      status: 422,
      json: {
        statusCode: 422,
        error: 'PRICE_NOT_IN_CATALOG',
        message: expect.stringMatching(
          /^the catalog has no price for sku-unlisted: prices stated in a request are never/,
        ) as unknown,
      },
    });
    // A stated price of a listed item is ignored: the offer is worth 20% of the catalog's 100, not of the 1e9 stated.
    const inflated = await decide('p-2', [{ itemId: 'sku-1', price: 1e9 }]);
    expect(inflated.status).toBe(200);
    // At the stated price 20% would be 2e8, far over the 500 budget: no offer could have been made.
    expect(inflated.json['kind']).toBe('offer');
    expect(inflated.json['offer']).toMatchObject({ items: ['sku-1'], offerType: 'percent_discount', value: 20 });
    const report = await call('reader', 'GET', '/campaigns/prices/report');
    const reserved = (report.json['budget'] as { reservedSpend: number }).reservedSpend;
    expect(reserved).toBeGreaterThan(0);
    expect(reserved).toBeLessThanOrEqual(20);
  });
});
