import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createLogger, errorMessage, OfferStreamError, type Logger } from '@offerstream/core';
import { connectBatchTransport, type KafkaBatchTransport } from '@offerstream/kafka';
import { BATCH_TRANSPORT } from './infra.module';
import { NestJsonLogger } from './nest-json.logger';
import { HEALTH_REGISTRY } from './platform.tokens';
import type { HealthRegistry } from './health.registry';
import { SECURITY_CONFIG } from './security/access.guard';
import { secureHeaders } from './security/secure-headers';
import type { SecurityConfig } from './security/security.config';
import { startTracing } from './tracing/tracing';

export interface ServiceBootOptions {
  name: string;
  port: number;
  host?: string;
  /** In-flight work gets this long to finish after SIGTERM (Kubernetes' grace period is 30 s by default). */
  shutdownTimeoutMs?: number;
  /** Builds the root module; called after config has been validated, so a bad setting never half-starts. */
  module: (logger: Logger) => unknown;
}

/**
 * The common main(): JSON logs, HTTP with health and metrics, the service's consumers (the `@EventPattern`
 * methods of its controllers, on the Kafka batch transport), and a graceful stop on SIGTERM/SIGINT (readiness goes
 * red first, the consumers drain their in-flight batches, then modules finish their work in onApplicationShutdown).
 */
export async function bootstrapService(opts: ServiceBootOptions): Promise<INestApplication> {
  const logger = createLogger(opts.name);
  // Before the modules are built: the producer and the consumers look up the tracer as they run.
  const tracing = startTracing({ serviceName: opts.name });
  if (tracing) logger.info('tracing on', { exporter: process.env['OTEL_TRACES_EXPORTER'] ?? 'otlp' });
  const app = await NestFactory.create<NestExpressApplication>(opts.module(logger) as never, {
    logger: new NestJsonLogger(logger),
    bufferLogs: false,
    // Our own JSON parser below, with the size limit from config; nothing else (forms, raw bodies) is accepted.
    bodyParser: false,
  });
  const security = app.get<SecurityConfig>(SECURITY_CONFIG);
  app.useBodyParser('json', { limit: `${security.HTTP_BODY_LIMIT_KB}kb` });
  app.disable('x-powered-by');
  app.use(secureHeaders);
  connectBatchTransport(app, app.get<KafkaBatchTransport>(BATCH_TRANSPORT));
  const health = app.get<HealthRegistry>(HEALTH_REGISTRY);
  // Our own handler instead of enableShutdownHooks: Nest re-raises the signal after closing, which makes a clean
  // stop look like a crash (no exit code) to supervisors and tests.
  let closing = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (closing) return;
      closing = true;
      health.markShuttingDown();
      logger.info('shutdown requested', { signal });
      const force = setTimeout(() => {
        logger.error('shutdown took too long; exiting', { signal });
        process.exit(1);
      }, opts.shutdownTimeoutMs ?? 25_000);
      force.unref();
      app
        .close()
        // Spans still queued are flushed after the last batch has finished.
        .then(() => tracing?.shutdown())
        .then(() => {
          logger.info('shutdown complete');
          process.exit(0);
        })
        .catch((e: unknown) => {
          logger.error('shutdown failed', { error: e });
          process.exit(1);
        });
    });
  }
  // Modules' init hooks first (models loaded, caches warm), then the consumers, then HTTP.
  await app.init();
  await app.startAllMicroservices();
  await app.listen(opts.port, opts.host ?? security.HTTP_HOST);
  logger.info('service listening', { port: opts.port });
  return app;
}

/** Runs main and turns a boot failure (bad config above all) into one clear line and exit code 1. */
export function runMain(main: () => Promise<unknown>, name: string): void {
  main().catch((e: unknown) => {
    const logger = createLogger(name);
    if (e instanceof OfferStreamError)
      logger.error(`failed to start: ${e.message}`, { code: e.code, context: e.context });
    else logger.error(`failed to start: ${errorMessage(e)}`, { error: e });
    process.stderr.write(`${name}: failed to start: ${errorMessage(e)}\n`);
    process.exit(1);
  });
}
