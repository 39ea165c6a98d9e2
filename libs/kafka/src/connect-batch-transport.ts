import { Catch, type INestApplication, type RpcExceptionFilter } from '@nestjs/common';
import type { MicroserviceOptions, NestMicroservice } from '@nestjs/microservices';
import { throwError, type Observable } from 'rxjs';
import type { KafkaBatchTransport } from './batch-transport.server';

/**
 * Hands a consumer's error back as thrown. Nest's default RPC filter would log it and replace it by a generic
 * `{ status: 'error' }`, and the batch consumer could no longer tell a retriable failure from the event's fault.
 */
@Catch()
export class BatchFailureFilter implements RpcExceptionFilter {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}

/**
 * Attaches the transport to an application (a hybrid app: HTTP and consumers share the modules and their
 * lifecycle). Start it with `app.startAllMicroservices()` after `app.init()`, so the modules' init hooks have run
 * before the first batch; `app.close()` drains the consumers before any module's onApplicationShutdown.
 * The microservice gets its own config (the app's HTTP guards, pipes and filters do not apply to batches), and the
 * filter is registered before its handlers are, since Nest binds filters to a handler when it registers it.
 */
export function connectBatchTransport(app: INestApplication, transport: KafkaBatchTransport): NestMicroservice {
  const consumers = app.connectMicroservice<MicroserviceOptions>(
    { strategy: transport },
    { inheritAppConfig: false, deferInitialization: true },
  ) as NestMicroservice;
  consumers.useGlobalFilters(new BatchFailureFilter());
  // The app runs the modules' lifecycle hooks; deferred, the microservice would run them a second time at listen.
  consumers.setIsInitHookCalled(true);
  return consumers;
}
