import 'reflect-metadata';
import { Controller, Get, HttpException, HttpStatus, Module, Param, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Registry } from 'prom-client';
import { createLogger } from '@offerstream/core';
import { authHeaders, testAuthEnv } from '@offerstream/testing';
import { PlatformModule } from '../platform.module';
import { METRICS_REGISTRY } from '../platform.tokens';
import { Roles } from '../security/access.decorators';
import { HTTP_REQUEST_SECONDS } from './http-metrics.middleware';

@Controller()
class SampleController {
  @Roles('reader')
  @Get('users/:id/profile')
  profile(@Param('id') id: string): { id: string } {
    return { id };
  }

  @Roles('reader')
  @Get('slow')
  async slow(): Promise<{ done: boolean }> {
    await new Promise((r) => setTimeout(r, 300));
    return { done: true };
  }

  @Roles('reader')
  @Get('broken')
  broken(): never {
    throw new HttpException('boom', HttpStatus.INTERNAL_SERVER_ERROR);
  }
}

@Module({
  imports: [PlatformModule.forService('http-metrics-spec', createLogger('spec', 'error'), testAuthEnv())],
  controllers: [SampleController],
})
class SampleModule {}

/** Request counts of the histogram, keyed `method route status`. */
async function counts(registry: Registry): Promise<Map<string, number>> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === HTTP_REQUEST_SECONDS);
  const out = new Map<string, number>();
  for (const v of metric?.values ?? []) {
    if (!('metricName' in v) || v.metricName !== `${HTTP_REQUEST_SECONDS}_count`) continue;
    out.set(`${String(v.labels['method'])} ${String(v.labels['route'])} ${String(v.labels['status'])}`, v.value);
  }
  return out;
}

describe('HTTP request metrics', () => {
  let app: INestApplication;
  let base: string;
  let registry: Registry;

  beforeAll(async () => {
    app = await NestFactory.create(SampleModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
    registry = app.get<Registry>(METRICS_REGISTRY);
  });

  afterAll(async () => {
    await app.close();
  });

  it('labels requests by route template and status, so user ids do not become series', async () => {
    for (const id of ['u-1', 'u-2', 'u-3'])
      expect((await fetch(`${base}/users/${id}/profile`, { headers: authHeaders('reader') })).status).toBe(200);
    expect((await counts(registry)).get('GET /users/:id/profile 200')).toBe(3);
  });

  it('counts requests the guard refuses and server errors under their route', async () => {
    expect((await fetch(`${base}/users/u-9/profile`)).status).toBe(401);
    expect((await fetch(`${base}/broken`, { headers: authHeaders('reader') })).status).toBe(500);
    const c = await counts(registry);
    expect(c.get('GET /users/:id/profile 401')).toBe(1);
    expect(c.get('GET /broken 500')).toBe(1);
  });

  it('puts every unknown path under one unmatched label', async () => {
    for (const path of ['/nope', '/wp-admin/x.php', '/a/b/c']) expect((await fetch(`${base}${path}`)).status).toBe(404);
    expect((await counts(registry)).get('GET unmatched 404')).toBe(3);
  });

  it('records a request the client abandoned before the answer as 499, not as the 200 it never got', async () => {
    const abort = new AbortController();
    const pending = fetch(`${base}/slow`, { headers: authHeaders('reader'), signal: abort.signal });
    setTimeout(() => abort.abort(), 50);
    await expect(pending).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 400));
    const c = await counts(registry);
    expect(c.get('GET /slow 499')).toBe(1);
    expect(c.get('GET /slow 200')).toBeUndefined();
  });

  it('exposes the histogram on /metrics with latency buckets', async () => {
    const res = await fetch(`${base}/metrics`, { headers: authHeaders('metrics') });
    const text = await res.text();
    expect(text).toMatch(
      /offerstream_http_request_duration_seconds_bucket\{le="0\.005",service="http-metrics-spec",method="GET",route="\/users\/:id\/profile",status="200"\} \d+/,
    );
  });
});
