/**
 * Assembles the publishable `@offerstream/contracts` package in .cache/contracts-package (or --out): the contracts
 * compiled to CommonJS with type declarations (with the one error class they throw from libs/core), the JSON
 * Schemas and AsyncAPI document of docs/, libs/contracts/package.json and its README.
 *   node tools/run-ts.cjs tools/contracts-package.ts [--out DIR] [--pack]
 * --pack also runs `npm pack` there and prints the tarball's path; `npm publish <tarball>` publishes it.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { parseCommandFlags } from '@offerstream/core';

const ROOT = join(__dirname, '..');
const CONTRACTS_SRC = join(ROOT, 'libs', 'contracts', 'src');
const CORE_ERRORS = join(ROOT, 'libs', 'core', 'src', 'offerstream.error.ts');

/** Compiles the contracts (no tests) and core's error classes; `@offerstream/core` becomes a relative import. */
function compile(outDir: string): void {
  const sources = readdirSync(CONTRACTS_SRC)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))
    .map((f) => join(CONTRACTS_SRC, f));
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    strict: true,
    declaration: true,
    esModuleInterop: true,
    skipLibCheck: true,
    // The codec takes and returns Buffers: consumers compile against @types/node, as any Kafka client needs.
    types: ['node'],
    rootDir: join(ROOT, 'libs'),
    outDir,
    baseUrl: ROOT,
    paths: { '@offerstream/core': [relative(ROOT, CORE_ERRORS)] },
  };
  const program = ts.createProgram([...sources, CORE_ERRORS], options);
  const diagnostics = ts.getPreEmitDiagnostics(program);
  if (diagnostics.length > 0) {
    const host = { getCanonicalFileName: (f: string) => f, getCurrentDirectory: () => ROOT, getNewLine: () => '\n' };
    throw new Error(ts.formatDiagnostics(diagnostics, host));
  }
  const coreOut = join(outDir, 'core', 'src', 'offerstream.error');
  program.emit(undefined, (file, text) => {
    const toCore = relative(dirname(file), coreOut);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(
      file,
      text.replaceAll(`"@offerstream/core"`, JSON.stringify(toCore.startsWith('.') ? toCore : `./${toCore}`)),
    );
  });
}

/** The JSON Schemas and the AsyncAPI document, whose references point at the schemas beside it. */
function copySchemas(outDir: string): string[] {
  const docs = join(ROOT, 'docs');
  mkdirSync(outDir, { recursive: true });
  const schemas = readdirSync(join(docs, 'contracts')).filter((f) => f.endsWith('.schema.json'));
  for (const f of schemas) copyFileSync(join(docs, 'contracts', f), join(outDir, f));
  const asyncApi = readFileSync(join(docs, 'asyncapi.json'), 'utf8').replaceAll('"./contracts/', '"./');
  writeFileSync(join(outDir, 'asyncapi.json'), asyncApi);
  return [...schemas, 'asyncapi.json'];
}

export function buildContractsPackage(outDir = join(ROOT, '.cache', 'contracts-package')): string {
  rmSync(outDir, { recursive: true, force: true });
  compile(join(outDir, 'dist'));
  copySchemas(join(outDir, 'schemas'));
  copyFileSync(join(ROOT, 'libs', 'contracts', 'package.json'), join(outDir, 'package.json'));
  copyFileSync(join(ROOT, 'libs', 'contracts', 'README.md'), join(outDir, 'README.md'));
  return outDir;
}

const USAGE = `usage: node tools/run-ts.cjs tools/contracts-package.ts [--out DIR] [--pack]
  --out DIR   where to assemble the package (default .cache/contracts-package)
  --pack      also run npm pack there and print the tarball's path`;

const flags =
  process.argv[1] === __filename
    ? parseCommandFlags(
        process.argv.slice(2),
        { out: { type: 'string' }, pack: { type: 'boolean', default: false } },
        USAGE,
      )
    : null;
if (flags !== null) {
  const dir = buildContractsPackage(flags.out);
  process.stderr.write(`assembled @offerstream/contracts in ${dir}\n`);
  if (flags.pack) {
    const name = execFileSync('npm', ['pack', '--silent'], { cwd: dir, encoding: 'utf8' }).trim();
    process.stdout.write(join(dir, name) + '\n');
  }
}
