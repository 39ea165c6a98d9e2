import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@offerstream/core';
import { createRedis, loadRedisEnv, redisPersistence, requireRedisPersistence } from '@offerstream/redis';
import { freePort, serviceHarness, waitFor } from '@offerstream/testing';

const ping = (port: number): boolean =>
  spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'PING'], { encoding: 'utf8' }).stdout.trim() ===
  'PONG';

/** A throwaway redis-server, with or without the append-only file. */
async function redisServer(aof: boolean): Promise<{ port: number; stop(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'os-redis-persist-'));
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', aof ? 'yes' : 'no'],
    { stdio: 'ignore' },
  );
  await waitFor(async () => ping(port) || undefined, { what: `redis-server on ${port}` });
  return {
    port,
    stop: () => {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * REDIS_REQUIRE_PERSISTENCE (set by the Kubernetes manifests): a service refuses to start against a Redis that would
 * lose the budget ledger and the watermarks on a restart, and names the variable.
 */
describe('the Redis persistence requirement, against real redis-servers', () => {
  const h = serviceHarness('stream-processor');
  const servers: { stop(): void }[] = [];
  afterEach(() => {
    for (const s of servers.splice(0)) s.stop();
  });

  it('accepts a Redis with the append-only file and refuses one without, naming the variable', async () => {
    const withAof = await redisServer(true);
    const without = await redisServer(false);
    servers.push(withAof, without);
    const client = (port: number) => createRedis(loadRedisEnv({ REDIS_URL: `redis://127.0.0.1:${port}` }));
    const good = client(withAof.port);
    const bad = client(without.port);
    try {
      expect(await redisPersistence(good)).toEqual([{ node: `127.0.0.1:${withAof.port}`, aof: true }]);
      await expect(requireRedisPersistence(good)).resolves.toBeUndefined();
      const refused = requireRedisPersistence(bad);
      await expect(refused).rejects.toBeInstanceOf(ConfigError);
      await expect(refused).rejects.toThrow(/REDIS_REQUIRE_PERSISTENCE: Redis 127\.0\.0\.1:\d+ runs without/);
    } finally {
      await Promise.all([good.quit(), bad.quit()]);
    }
  });

  it('stops a service at boot when its Redis runs without the append-only file', async () => {
    const without = await redisServer(false);
    servers.push(without);
    const service = h.spawn({
      REDIS_URL: `redis://127.0.0.1:${without.port}`,
      REDIS_REQUIRE_PERSISTENCE: 'true',
    });
    expect(await service.waitExit()).toBe(1);
    expect(service.tail()).toMatch(
      /REDIS_REQUIRE_PERSISTENCE: Redis 127\.0\.0\.1:\d+ runs without the append-only file/,
    );
  });
});
