import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { freePort, waitFor } from '@offerstream/testing';

const root = join(__dirname, '..', '..');

/** The persistence flags scripts/stack.sh gives the redis-server it starts (REDIS_PERSISTENCE_FLAGS). */
function stackFlags(): string[] {
  const script = readFileSync(join(root, 'scripts', 'lib', 'stack-redis.sh'), 'utf8');
  const m = /^REDIS_PERSISTENCE_FLAGS=\((.*)\)$/m.exec(script);
  if (!m?.[1]) throw new Error('REDIS_PERSISTENCE_FLAGS not found in scripts/lib/stack-redis.sh');
  return (m[1].match(/'[^']*'|\S+/g) ?? []).map((t) => t.replace(/^'(.*)'$/, '$1'));
}

function composeFlags(): string[] {
  const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8')) as {
    services: Record<string, { command?: string[] }>;
  };
  return (compose.services['redis']?.command ?? []).slice(1);
}

const cli = (port: number, ...args: string[]): string =>
  spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], {
    encoding: 'utf8',
    timeout: 10_000,
  }).stdout.trim();

/**
 * The Redis the local stack starts and the one docker-compose runs keep what was written a second before a kill -9:
 * a redis-server with exactly their flags is killed hard and started again on the same directory.
 */
describe.each([
  ['scripts/stack.sh', stackFlags],
  ['docker-compose.yml', composeFlags],
])('the Redis of %s, killed hard and restarted', (_name, flags) => {
  let dir: string;
  let child: ChildProcess | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'os-redis-aof-'));
  });
  afterEach(() => {
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  const start = async (port: number): Promise<ChildProcess> => {
    const c = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--loglevel', 'warning', ...flags()],
      { stdio: 'ignore' },
    );
    await waitFor(async () => cli(port, 'PING') === 'PONG' || undefined, { what: `redis-server on ${port}` });
    return c;
  };

  it('keeps the writes older than one fsync interval', async () => {
    expect(flags().join(' ')).toMatch(/--appendonly yes --appendfsync everysec/);
    const port = await freePort();
    child = await start(port);
    for (let i = 0; i < 100; i++) cli(port, 'HINCRBY', 'budget', 'spentCents', '5');
    // Past one fsync interval of appendfsync everysec.
    await new Promise((r) => setTimeout(r, 1_500));
    const killed = new Promise((r) => child?.once('exit', r));
    child.kill('SIGKILL');
    await killed;
    child = await start(port);
    expect(cli(port, 'HGET', 'budget', 'spentCents')).toBe('500');
    expect(cli(port, 'CONFIG', 'GET', 'appendfsync').split('\n')).toContain('everysec');
  });
});
