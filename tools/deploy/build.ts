/**
 * Compiles the services to JavaScript for the image: every non-test .ts under apps/*\/src and libs/*\/src (plus
 * tools/create-topics.ts) through swc with the repository's .swcrc, `@offerstream/*` imports rewritten to
 * relative paths, and the runtime assets beside them (Lua scripts, the NLP model). The output needs only the
 * production dependencies: no TypeScript, no swc register hook at run time.
 *
 *   node tools/run-ts.cjs tools/deploy/build.ts [--out dist]
 */
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { transformFile, type Options } from '@swc/core';

const ROOT = resolve(__dirname, '..', '..');
/** Files read from disk next to the code (by __dirname), copied as they are: the NLP model, the console's page. */
const ASSET_DIRS = ['libs/nlp/model', 'apps/decision-service/src/console/web'];
const EXTRA_ENTRIES = ['tools/create-topics.ts'];

const isSource = (file: string): boolean =>
  file.endsWith('.ts') && !file.endsWith('.d.ts') && !/\.(spec|int-spec|test-fixture)\.ts$/.test(file);

function walk(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' }).map((f) => join(dir, f));
}

/** Source roots of the image: the apps and every lib but the test harness. */
function sourceRoots(): string[] {
  const roots = ['apps', 'libs'].flatMap((top) => readdirSync(join(ROOT, top)).map((name) => join(top, name, 'src')));
  return roots.filter((r) => r !== join('libs', 'testing', 'src'));
}

function swcOptions(): Options {
  const swcrc = JSON.parse(readFileSync(join(ROOT, '.swcrc'), 'utf8')) as Options;
  const { compilerOptions } = JSON.parse(readFileSync(join(ROOT, 'tsconfig.base.json'), 'utf8')) as {
    compilerOptions: { paths: Record<string, string[]> };
  };
  // swc resolves the aliases against baseUrl and writes relative requires; without the .ts suffix Node's CommonJS
  // resolution finds the compiled index.js.
  const paths = Object.fromEntries(
    Object.entries(compilerOptions.paths).map(([alias, targets]) => [
      alias,
      targets.map((t) => t.replace(/\.ts$/, '')),
    ]),
  );
  return {
    ...swcrc,
    swcrc: false,
    sourceMaps: false,
    jsc: { ...swcrc.jsc, baseUrl: ROOT, paths },
  };
}

export interface BuildResult {
  readonly outDir: string;
  readonly files: number;
  readonly assets: number;
}

export async function build(outDir: string): Promise<BuildResult> {
  rmSync(outDir, { recursive: true, force: true });
  const options = swcOptions();
  const files = [...sourceRoots().flatMap(walk), ...EXTRA_ENTRIES];
  let compiled = 0;
  let assets = 0;
  for (const rel of files) {
    const src = join(ROOT, rel);
    const target = join(outDir, rel);
    if (isSource(rel)) {
      const { code } = await transformFile(src, { ...options, filename: src });
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target.replace(/\.ts$/, '.js'), code);
      compiled++;
    } else if (rel.endsWith('.lua') || rel.endsWith('.json')) {
      mkdirSync(dirname(target), { recursive: true });
      cpSync(src, target);
      assets++;
    }
  }
  for (const dir of ASSET_DIRS) {
    cpSync(join(ROOT, dir), join(outDir, dir), { recursive: true });
    assets++;
  }
  return { outDir, files: compiled, assets };
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--out');
  const out = resolve(ROOT, i > 0 ? (process.argv[i + 1] ?? 'dist') : 'dist');
  const started = Date.now();
  const result = await build(out);
  process.stdout.write(
    `built ${result.files} files and ${result.assets} assets into ${relative(ROOT, out) || '.'} in ${Date.now() - started} ms\n`,
  );
}

// Run as a command, not when a test imports it.
if (process.argv[1] === __filename) {
  main().catch((error: unknown) => {
    process.stderr.write(`build failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  });
}
