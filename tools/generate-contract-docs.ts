/**
 * Writes docs/contracts/<topic>.schema.json and docs/asyncapi.json from libs/contracts.
 *   node tools/run-ts.cjs tools/generate-contract-docs.ts [--check]
 * --check fails when the committed files differ from what the contracts generate (used by the unit tests).
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { asyncApiDocument, topicJsonSchemas } from '@offerstream/contracts';
import { parseCommandFlags } from '@offerstream/core';

export function contractDocFiles(root: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const [topic, schema] of Object.entries(topicJsonSchemas())) {
    files.set(join(root, 'docs', 'contracts', `${topic}.schema.json`), JSON.stringify(schema, null, 2) + '\n');
  }
  files.set(join(root, 'docs', 'asyncapi.json'), JSON.stringify(asyncApiDocument(), null, 2) + '\n');
  return files;
}

const USAGE = `usage: node tools/run-ts.cjs tools/generate-contract-docs.ts [--check]
  --check   write nothing; exit 1 when a generated file under docs/ differs from the contracts`;

const flags =
  process.argv[1] === __filename
    ? parseCommandFlags(process.argv.slice(2), { check: { type: 'boolean', default: false } }, USAGE)
    : null;
if (flags !== null) {
  const root = join(__dirname, '..');
  const check = flags.check;
  let stale = 0;
  for (const [file, text] of contractDocFiles(root)) {
    if (check) {
      if (!existsSync(file) || readFileSync(file, 'utf8') !== text) {
        process.stderr.write(`stale: ${file}\n`);
        stale++;
      }
    } else {
      mkdirSync(join(file, '..'), { recursive: true });
      writeFileSync(file, text);
      process.stderr.write(`wrote ${file}\n`);
    }
  }
  if (stale > 0) process.exit(1);
}
