import 'reflect-metadata';
import { Script } from 'node:vm';
import { Body, Controller, Get, HttpCode, Module, Param, Post, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { z } from 'zod';
import { createLogger } from '@offerstream/core';
import { PlatformModule } from '../platform.module';
import { Public, Roles } from '../security/access.decorators';
import { openApiDocument, UndocumentedRouteError, type ControllerDoc } from './openapi-document';
import { OPENAPI_DOCS_JS } from './openapi-docs.page';
import { OpenApiModule } from './openapi.module';

const note = z.object({ text: z.string().min(1).max(10) }).strict();

@Controller('notes')
@Roles('reader')
class NotesController {
  @Get(':id')
  get(@Param('id') id: string): { id: string; text: string } {
    return { id, text: 'hello' };
  }

  @Post()
  @Roles('admin')
  @HttpCode(201)
  create(@Body() body: unknown): { id: string; text: string } {
    return { id: 'n-1', ...note.parse(body) };
  }

  @Public()
  @Get()
  list(): string[] {
    return [];
  }
}

const NOTES_API: ControllerDoc[] = [
  {
    controller: NotesController,
    operations: {
      get: {
        summary: 'One note',
        params: { id: z.string().max(8) },
        response: z.object({ id: z.string(), text: z.string() }),
        errors: { 404: 'No such note' },
      },
      create: { summary: 'Add a note', body: note, response: z.object({ id: z.string(), text: z.string() }) },
      list: { summary: 'Note ids', response: z.array(z.string()) },
    },
  },
];
const INFO = { title: 'notes', version: '1.0.0', description: 'A test API' };

type Doc = {
  paths: Record<
    string,
    Record<
      string,
      {
        'x-roles': string[];
        security: unknown[];
        responses: Record<string, unknown>;
        parameters?: { name: string; in: string; schema: { maxLength?: number } }[];
        requestBody?: { content: Record<string, { schema: { required?: string[]; additionalProperties?: boolean } }> };
      }
    >
  >;
};

describe('OpenAPI document from Nest routes and zod schemas', () => {
  const doc = openApiDocument(INFO, NOTES_API) as unknown as Doc;

  it('takes paths, methods, success statuses and roles from the controllers', () => {
    expect(Object.keys(doc.paths).sort()).toEqual(['/notes', '/notes/{id}']);
    expect(doc.paths['/notes']?.['post']?.['x-roles']).toEqual(['admin']);
    expect(Object.keys(doc.paths['/notes']?.['post']?.responses ?? {})).toEqual(
      expect.arrayContaining(['201', '400', '401', '403', '429']),
    );
    expect(doc.paths['/notes/{id}']?.['get']?.['x-roles']).toEqual(['reader']);
    expect(doc.paths['/notes/{id}']?.['get']?.responses).toHaveProperty('404');
  });

  it('describes bodies and parameters with the zod schemas the handlers validate with', () => {
    const body = doc.paths['/notes']?.['post']?.requestBody?.content['application/json']?.schema;
    expect(body?.required).toEqual(['text']);
    expect(body?.additionalProperties).toBe(false);
    expect(doc.paths['/notes/{id}']?.['get']?.parameters?.[0]).toMatchObject({
      name: 'id',
      in: 'path',
      schema: { maxLength: 8 },
    });
  });

  it('leaves open routes without security and without access errors', () => {
    const list = doc.paths['/notes']?.['get'];
    expect(list?.security).toEqual([]);
    expect(Object.keys(list?.responses ?? {})).toEqual(['200']);
  });

  it('refuses a controller with an undocumented route, and a description of a route that does not exist', () => {
    const { list: _list, ...partial } = NOTES_API[0]!.operations;
    expect(() => openApiDocument(INFO, [{ controller: NotesController, operations: partial }])).toThrow(
      UndocumentedRouteError,
    );
    expect(() =>
      openApiDocument(INFO, [
        {
          controller: NotesController,
          operations: { ...NOTES_API[0]!.operations, gone: { summary: 'x', response: z.string() } },
        },
      ]),
    ).toThrow(/gone is not a route/);
  });

  it('ships a docs script that parses and never writes HTML from the document', () => {
    expect(() => new Script(OPENAPI_DOCS_JS)).not.toThrow();
    expect(OPENAPI_DOCS_JS).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  });
});

@Module({
  imports: [
    PlatformModule.forService('openapi-spec', createLogger('spec', 'error'), { AUTH_MODE: 'off' }),
    OpenApiModule.forService(INFO, NOTES_API),
  ],
  controllers: [NotesController],
})
class NotesModule {}

describe('OpenApiModule', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    app = await NestFactory.create(NotesModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });

  afterAll(async () => {
    await app.close();
  });

  it('serves the document at /openapi.json, platform routes included', async () => {
    const res = await fetch(`${base}/openapi.json`);
    expect(res.status).toBe(200);
    const served = (await res.json()) as Doc & { openapi: string };
    expect(served.openapi).toBe('3.1.0');
    expect(Object.keys(served.paths)).toEqual(
      expect.arrayContaining(['/notes/{id}', '/health/ready', '/metrics', '/openapi.json', '/docs']),
    );
    expect(served.paths['/metrics']?.['get']?.['x-roles']).toEqual(['metrics']);
  });

  it('serves a docs page whose script and style come from this origin', async () => {
    const page = await fetch(`${base}/docs`);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('<script src="/docs/openapi-docs.js" defer></script>');
    expect(html).not.toMatch(/<script>|<style>| on[a-z]+=/);
    const script = await fetch(`${base}/docs/openapi-docs.js`);
    expect(script.headers.get('content-type')).toContain('text/javascript');
    expect(await script.text()).toBe(OPENAPI_DOCS_JS);
    expect((await fetch(`${base}/docs/openapi-docs.css`)).headers.get('content-type')).toContain('text/css');
  });
});
