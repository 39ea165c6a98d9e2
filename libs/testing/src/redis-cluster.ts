import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePortPair } from './free-port';
import { waitFor } from './test-env';

export interface RedisClusterHandle {
  /** Seeds for REDIS_CLUSTER_NODES: `127.0.0.1:port,...`. */
  nodes: string;
  stop(): Promise<void>;
}

function cli(port: number, ...args: string[]): string {
  const r = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (r.error) throw r.error;
  return `${r.stdout}${r.stderr}`;
}

/**
 * A throwaway Redis Cluster of `masters` nodes (no replicas, no persistence) in a temporary directory, for tests
 * that prove the hash-tagged key layout and the one-slot Lua scripts really run on a Cluster. The bus port of each
 * node is its port + 10000; both are picked free and below the OS's ephemeral range.
 */
export async function startRedisCluster(masters = 3): Promise<RedisClusterHandle> {
  if (spawnSync('redis-server', ['--version']).error) {
    throw new Error('redis-server is not installed; run: bash scripts/stack.sh ensure-test-tools');
  }
  const dir = mkdtempSync(join(tmpdir(), 'os-redis-cluster-'));
  const ports: number[] = [];
  while (ports.length < masters) ports.push(await freePortPair(10_000, ports));
  const children: ChildProcess[] = ports.map((port) =>
    spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        join(dir, `nodes-${port}.conf`),
        '--cluster-node-timeout',
        '5000',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--loglevel',
        'warning',
      ],
      { stdio: 'ignore' },
    ),
  );
  const stop = async (): Promise<void> => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGKILL');
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports)
      await waitFor(async () => cli(port, 'PING').includes('PONG') || undefined, { what: `redis node ${port}` });
    const created = cli(
      ports[0] as number,
      '--cluster',
      'create',
      ...ports.map((p) => `127.0.0.1:${p}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    );
    if (!created.includes('All 16384 slots covered')) throw new Error(`redis-cli --cluster create failed:\n${created}`);
    for (const port of ports) {
      await waitFor(async () => cli(port, 'CLUSTER', 'INFO').includes('cluster_state:ok') || undefined, {
        what: `cluster state ok on ${port}`,
      });
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { nodes: ports.map((p) => `127.0.0.1:${p}`).join(','), stop };
}
