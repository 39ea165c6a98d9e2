import { createServer } from 'node:net';

/** Binds `port` (0: the OS chooses) on 127.0.0.1 and releases it; resolves with the port, undefined if taken. */
function tryBind(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(undefined));
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      const addr = srv.address();
      const bound = typeof addr === 'object' && addr ? addr.port : undefined;
      srv.close(() => resolve(bound));
    });
  });
}

/**
 * A port for a service under test, chosen by the OS. Random picks from a fixed range used to collide with the
 * local ports of outgoing connections (Kafka, Redis), which the OS takes from the same ephemeral range.
 */
export async function freePort(): Promise<number> {
  const port = await tryBind(0);
  if (port === undefined) throw new Error('the OS gave no free port');
  return port;
}

/**
 * A port below the ephemeral range whose `+offset` partner is free too (a Redis Cluster node listens on its port
 * and on port + 10000 for the cluster bus). Both stay below 32768, where the OS never hands out client ports.
 */
export async function freePortPair(offset: number, taken: readonly number[] = []): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const p = 20_000 + Math.floor(Math.random() * (32_768 - 20_000 - offset));
    if (taken.includes(p) || taken.includes(p + offset)) continue;
    if ((await tryBind(p)) !== undefined && (await tryBind(p + offset)) !== undefined) return p;
  }
  throw new Error(`no free port pair (offset ${offset}) below 32768`);
}
