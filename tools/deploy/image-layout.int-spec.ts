import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, isolatedEnv, waitHttpOk, type IsolatedEnv } from '@offerstream/testing';
import { build } from './build';

/**
 * Reproduces the runtime stage of the Dockerfile without a container engine: the compiled output of
 * tools/deploy/build.ts and the production dependencies only (`npm ci --omit=dev`), owned by root and started as
 * an unprivileged user that cannot write to the tree, against the real broker and Redis.
 */
const ROOT = join(__dirname, '..', '..');
const NOBODY = 65_534;

/** Production dependencies for the current lock file, installed once and reused (npm ci takes ~35 s here). */
function productionModules(): string {
  const lock = readFileSync(join(ROOT, 'package-lock.json'));
  // Under the system temp folder, not the checkout: the unprivileged user must traverse every parent directory, and a
  // checkout may sit below a private one (a CI clone in a mode-700 temp dir did, and every require failed).
  const cache = join(tmpdir(), 'offerstream-image-layout');
  const dir = join(cache, createHash('sha1').update(lock).digest('hex').slice(0, 12));
  if (!existsSync(join(dir, 'node_modules', '.package-lock.json'))) {
    // One lock file's worth at a time (~390 MB): older installs are dropped.
    rmSync(cache, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    chmodSync(cache, 0o755);
    chmodSync(dir, 0o755);
    copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
    copyFileSync(join(ROOT, 'package-lock.json'), join(dir, 'package-lock.json'));
    execFileSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], {
      cwd: dir,
      stdio: 'ignore',
    });
  }
  return join(dir, 'node_modules');
}

/** The command prefix that drops root, when the tests run as root (as in CI containers). */
const asUnprivileged = (cmd: string[]): string[] =>
  process.getuid?.() === 0
    ? ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--', ...cmd]
    : cmd;

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' });
}

describe('the image runtime layout (compiled JavaScript + production dependencies)', () => {
  let app: string;
  let iso: IsolatedEnv;

  beforeAll(async () => {
    app = mkdtempSync(join(tmpdir(), 'offerstream-image-'));
    chmodSync(app, 0o755);
    await build(join(app, 'dist'));
    symlinkSync(productionModules(), join(app, 'node_modules'));
    copyFileSync(join(ROOT, 'package.json'), join(app, 'package.json'));
    iso = await isolatedEnv();
  }, 180_000);

  afterAll(async () => {
    await iso?.close();
    if (app) rmSync(app, { recursive: true, force: true });
  });

  it('holds compiled JavaScript only, and no development dependency', () => {
    const dist = listFiles(join(app, 'dist'));
    expect(dist.filter((f) => f.endsWith('.ts'))).toEqual([]);
    expect(dist).toContain(join('apps', 'stream-processor', 'src', 'main.js'));
    expect(dist).toContain(join('tools', 'create-topics.js'));
    expect(dist.some((f) => f.endsWith('.lua'))).toBe(true);
    for (const dev of ['typescript', '@swc/core', '@swc-node/register', 'jest', 'eslint', 'nx', 'kubernetes-models']) {
      expect({ dev, present: existsSync(join(app, 'node_modules', dev)) }).toEqual({ dev, present: false });
    }
  });

  it('is read-only for the user the services run as', () => {
    const write = `require('fs').writeFileSync(${JSON.stringify(join(app, 'dist', 'x'))}, '')`;
    const [cmd, ...args] = asUnprivileged([process.execPath, '-e', write]);
    const probe = spawnSync(cmd!, args);
    expect(probe.status).not.toBe(0);
    expect(probe.stderr.toString()).toMatch(/EACCES|EPERM|EROFS/);
  });

  it('runs the topic job entry point against the broker', () => {
    const [cmd, ...args] = asUnprivileged([process.execPath, 'dist/tools/create-topics.js', '--probe']);
    const out = spawnSync(cmd!, args, { cwd: app, env: { ...process.env, ...iso.env }, encoding: 'utf8' });
    expect(out.stderr).toContain('answers');
    expect(out.status).toBe(0);
  });

  it('boots the stream-processor to /health/ready as an unprivileged user and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const [cmd, ...args] = asUnprivileged([process.execPath, 'dist/apps/stream-processor/src/main.js']);
    const child = spawn(cmd!, args, {
      cwd: app,
      env: { ...process.env, ...iso.env, PORT: String(port), HOME: '/nonexistent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    child.stdout.on('data', (b: Buffer) => output.push(b.toString()));
    child.stderr.on('data', (b: Buffer) => output.push(b.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const started = Date.now();
      await waitHttpOk(`http://127.0.0.1:${port}/health/ready`, 60_000).catch((e: unknown) => {
        throw new Error(`${String(e)}\n${output.join('').slice(-3000)}`);
      });
      const ready = (await (await fetch(`http://127.0.0.1:${port}/health/ready`)).json()) as {
        checks: Record<string, string>;
      };
      expect(ready.checks).toMatchObject({ kafka: 'ok', redis: 'ok' });
      expect(Date.now() - started).toBeLessThan(60_000);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 90_000);
});
