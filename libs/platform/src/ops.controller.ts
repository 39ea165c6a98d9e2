import { Controller, Get, Header, HttpException, HttpStatus, Inject } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { HEALTH_REGISTRY, METRICS_REGISTRY } from './platform.tokens';
import type { HealthRegistry } from './health.registry';

/** Liveness, readiness and Prometheus metrics: what an operator on Kubernetes wires probes and scraping to. */
@Controller()
export class OpsController {
  constructor(
    @Inject(HEALTH_REGISTRY) private readonly health: HealthRegistry,
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
  ) {}

  @Get('health/live')
  live(): { status: string } {
    return { status: 'ok' };
  }

  @Get('health/ready')
  async ready(): Promise<{ status: string; checks: Record<string, string> }> {
    const result = await this.health.run();
    if (!result.ok) {
      throw new HttpException({ status: 'unavailable', checks: result.checks }, HttpStatus.SERVICE_UNAVAILABLE);
    }
    return { status: 'ok', checks: result.checks };
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  async metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
