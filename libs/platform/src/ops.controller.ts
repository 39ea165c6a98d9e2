import { Controller, Get, Header, HttpException, HttpStatus, Inject } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { HEALTH_REGISTRY, METRICS_REGISTRY } from './platform.tokens';
import type { HealthRegistry } from './health.registry';
import { Public, Roles } from './security/access.decorators';

/** Liveness and readiness (open, for probes) and Prometheus metrics (role `metrics`). */
@Controller()
export class OpsController {
  constructor(
    @Inject(HEALTH_REGISTRY) private readonly health: HealthRegistry,
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
  ) {}

  @Public()
  @Get('health/live')
  live(): { status: string } {
    return { status: 'ok' };
  }

  @Public()
  @Get('health/ready')
  async ready(): Promise<{ status: string; checks: Record<string, string> }> {
    const result = await this.health.run();
    if (!result.ok) {
      throw new HttpException({ status: 'unavailable', checks: result.checks }, HttpStatus.SERVICE_UNAVAILABLE);
    }
    return { status: 'ok', checks: result.checks };
  }

  @Roles('metrics')
  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  async metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
