import { Controller, Get, Header, Inject, Module, type DynamicModule } from '@nestjs/common';
import { z } from 'zod';
import { OpsController } from '../ops.controller';
import { Public } from '../security/access.decorators';
import { OPENAPI_DOCS_CSS, OPENAPI_DOCS_HTML, OPENAPI_DOCS_JS } from './openapi-docs.page';
import { openApiDocument, type ApiInfo, type ControllerDoc } from './openapi-document';

export const OPENAPI_DOCUMENT = Symbol('OPENAPI_DOCUMENT');

/** The API description and its docs page: open, since they hold no data (every data route still needs its key). */
@Controller()
@Public()
export class OpenApiController {
  constructor(@Inject(OPENAPI_DOCUMENT) private readonly document: Record<string, unknown>) {}

  @Get('openapi.json')
  openApi(): Record<string, unknown> {
    return this.document;
  }

  @Get('docs')
  @Header('Content-Type', 'text/html; charset=utf-8')
  page(): string {
    return OPENAPI_DOCS_HTML;
  }

  @Get('docs/openapi-docs.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  script(): string {
    return OPENAPI_DOCS_JS;
  }

  @Get('docs/openapi-docs.css')
  @Header('Content-Type', 'text/css; charset=utf-8')
  style(): string {
    return OPENAPI_DOCS_CSS;
  }
}

const text = (mediaType: string, description: string): { mediaType: string; description: string } => ({
  mediaType,
  description,
});

/** The routes every service has (libs/platform), described once. */
export const PLATFORM_API: readonly ControllerDoc[] = [
  {
    controller: OpsController,
    operations: {
      live: { summary: 'Liveness: the process answers', response: z.object({ status: z.literal('ok') }) },
      ready: {
        summary: 'Readiness: Kafka, Redis and the service’s own dependencies answer (503 with each check otherwise)',
        response: z.object({ status: z.literal('ok'), checks: z.record(z.string(), z.string()) }),
        errors: { 503: 'Not ready; `checks` says which dependency failed' },
      },
      metrics: { summary: 'Prometheus metrics', response: text('text/plain', 'Prometheus text exposition 0.0.4') },
    },
  },
  {
    controller: OpenApiController,
    operations: {
      openApi: { summary: 'This document (OpenAPI 3.1)', response: z.record(z.string(), z.unknown()) },
      page: { summary: 'Human-readable API reference', response: text('text/html', 'The docs page') },
      script: { summary: 'The docs page’s script', response: text('text/javascript', 'Script') },
      style: { summary: 'The docs page’s stylesheet', response: text('text/css', 'Stylesheet') },
    },
  },
];

/** A service's full API description: its own controllers and the platform's. */
export function serviceApiDocument(info: ApiInfo, docs: readonly ControllerDoc[]): Record<string, unknown> {
  return openApiDocument(info, [...docs, ...PLATFORM_API]);
}

/**
 * Serves the service's OpenAPI document at /openapi.json and a docs page at /docs. The document is built when the
 * module is created, so an undocumented route stops the boot (and the unit tests) instead of shipping silently.
 */
@Module({})
export class OpenApiModule {
  static forService(info: ApiInfo, docs: readonly ControllerDoc[]): DynamicModule {
    return {
      module: OpenApiModule,
      controllers: [OpenApiController],
      providers: [{ provide: OPENAPI_DOCUMENT, useValue: serviceApiDocument(info, docs) }],
    };
  }
}
