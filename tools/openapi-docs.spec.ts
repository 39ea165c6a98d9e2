import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const DOCS = join(ROOT, 'docs', 'openapi');
// The validator is an ES module; its command line runs it outside Jest's CommonJS world.
const VALIDATOR = join(ROOT, 'node_modules', '@seriousme', 'openapi-schema-validator', 'bin', 'validate-api-cli.js');

function validate(file: string): { valid: boolean; errors?: unknown } {
  const r = spawnSync(process.execPath, [VALIDATOR, file], { encoding: 'utf8' });
  return JSON.parse(r.stdout) as { valid: boolean; errors?: unknown };
}

/** Each app's <app>.openapi.spec.ts proves these files are what the code generates; this proves they are OpenAPI. */
describe('docs/openapi', () => {
  const files = readdirSync(DOCS).filter((f) => f.endsWith('.json'));

  it('has a document for each of the four services', () => {
    expect(files.sort()).toEqual([
      'decision-service.json',
      'gnn-worker.json',
      'nlp-worker.json',
      'stream-processor.json',
    ]);
  });

  it.each(files)('%s is a valid OpenAPI 3.1 document', (file) => {
    expect(validate(join(DOCS, file))).toEqual({ valid: true });
  });

  it('the validator rejects a broken document', () => {
    const r = spawnSync(process.execPath, [VALIDATOR, '/dev/stdin'], {
      input: JSON.stringify({ openapi: '3.1.0', info: { version: '1' }, paths: {} }),
      encoding: 'utf8',
    });
    expect((JSON.parse(r.stdout) as { valid: boolean }).valid).toBe(false);
  });
});
