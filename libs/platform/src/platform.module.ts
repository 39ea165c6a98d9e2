import {
  Global,
  Inject,
  Module,
  RequestMethod,
  type DynamicModule,
  type MiddlewareConsumer,
  type NestModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Logger } from '@offerstream/core';
import { HealthRegistry } from './health.registry';
import { HttpMetricsMiddleware } from './metrics/http-metrics.middleware';
import { OpsController } from './ops.controller';
import { HEALTH_REGISTRY, METRICS_REGISTRY, SERVICE_LOGGER, USER_PSEUDONYMS } from './platform.tokens';
import { AccessGuard, API_KEY_STORE, JWT_VERIFIER, SECURITY_CONFIG } from './security/access.guard';
import { ApiKeyStore } from './security/api-key-store';
import { HttpErrorFilter } from './security/http-error.filter';
import { JwtVerifier } from './security/jwt-verifier';
import { loadSecurityConfig } from './security/security.config';
import { loadUserPseudonyms } from './security/user-pseudonyms.config';

/**
 * Health, metrics, logging, HTTP security (API keys and roles, rate limits, one error format) and user pseudonyms
 * shared by every service; each service's own modules register checks into it. Security settings are read from the
 * environment here, so a bad key list stops the boot like any other bad setting.
 */
@Global()
@Module({})
export class PlatformModule implements NestModule, OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(API_KEY_STORE) private readonly keys: ApiKeyStore | undefined) {}

  static forService(serviceName: string, logger: Logger, env: NodeJS.ProcessEnv = process.env): DynamicModule {
    const registry = new Registry();
    registry.setDefaultLabels({ service: serviceName });
    collectDefaultMetrics({ register: registry });
    const security = loadSecurityConfig(env);
    const keys =
      security.AUTH_MODE === 'keys'
        ? new ApiKeyStore(
            { inline: security.API_KEYS, file: security.API_KEYS_FILE, reloadMs: security.API_KEYS_RELOAD_S * 1000 },
            logger,
          )
        : undefined;
    if (!keys)
      logger.warn('AUTH_MODE=off: every route is open to anyone who reaches the port (local development only)');
    const pseudonyms = loadUserPseudonyms(env);
    if (!pseudonyms.enabled)
      logger.warn('USER_ID_HMAC_KEY is not set: user ids are stored and logged as sent (local development only)');
    return {
      module: PlatformModule,
      controllers: [OpsController],
      providers: [
        { provide: METRICS_REGISTRY, useValue: registry },
        { provide: HEALTH_REGISTRY, useValue: new HealthRegistry() },
        { provide: SERVICE_LOGGER, useValue: logger },
        { provide: SECURITY_CONFIG, useValue: security },
        { provide: USER_PSEUDONYMS, useValue: pseudonyms },
        { provide: API_KEY_STORE, useValue: keys },
        {
          provide: JWT_VERIFIER,
          useFactory: async () => (security.oidc ? await JwtVerifier.create(security.oidc) : undefined),
        },
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_FILTER, useValue: new HttpErrorFilter(security.HTTP_BODY_LIMIT_KB) },
      ],
      exports: [METRICS_REGISTRY, HEALTH_REGISTRY, SERVICE_LOGGER, SECURITY_CONFIG, USER_PSEUDONYMS],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    // Every path, matched or not, so refused and unknown requests show in the error rate too.
    consumer.apply(HttpMetricsMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }

  onApplicationBootstrap(): void {
    this.keys?.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.keys?.stop();
  }
}
