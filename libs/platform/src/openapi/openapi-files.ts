import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ApiInfo, ControllerDoc } from './openapi-document';
import { serviceApiDocument } from './openapi.module';

const ROOT = join(__dirname, '..', '..', '..', '..');

/**
 * The committed docs/openapi/<service>.json and what the code generates now, for the staleness test of each service.
 * With OPENAPI_WRITE=1 (`npm run openapi:write`) the generated text is written first, so the two agree.
 */
export function committedOpenApi(
  service: string,
  info: ApiInfo,
  docs: readonly ControllerDoc[],
): { file: string; committed: string; generated: string } {
  const file = join(ROOT, 'docs', 'openapi', `${service}.json`);
  const generated = JSON.stringify(serviceApiDocument(info, docs), null, 2) + '\n';
  if (process.env['OPENAPI_WRITE'] === '1') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, generated);
  }
  return { file, committed: existsSync(file) ? readFileSync(file, 'utf8') : '', generated };
}

/**
 * Names in the `controllers: [...]` list of a Nest module's source: what the service really serves over HTTP. Kafka
 * consumers (`@EventPattern` controllers, imported from `*.consumer.ts` / `*.consumers.ts` files) have no routes.
 */
export function registeredControllers(moduleFile: string): string[] {
  const source = readFileSync(moduleFile, 'utf8');
  const consumers = new Set(
    [...source.matchAll(/import\s*\{([^}]*)\}\s*from\s*'[^']*\.consumers?'/g)].flatMap((m) =>
      (m[1] ?? '').split(',').map((s) => s.trim()),
    ),
  );
  const listed = /controllers:\s*\[([^\]]*)\]/.exec(source)?.[1] ?? '';
  return listed
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '' && !consumers.has(s));
}
