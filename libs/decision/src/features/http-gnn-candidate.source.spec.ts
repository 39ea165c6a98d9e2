import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpGnnCandidateSource } from './http-gnn-candidate.source';

describe('GNN candidates over HTTP', () => {
  let server: Server;
  let base = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url?.startsWith('/users/known/')) {
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({
            version: 'v7',
            candidates: [
              { itemId: 'a', score: 0.9 },
              { itemId: 5, score: 1 },
            ],
          }),
        );
      } else if (req.url?.startsWith('/users/slow/')) {
        setTimeout(() => res.end('{}'), 300);
      } else {
        res.statusCode = 503;
        res.end('{"message":"no model"}');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('returns well-formed candidates and records the model version it came from', async () => {
    const source = new HttpGnnCandidateSource(base, { timeoutMs: 1000 });
    expect(await source.candidates('known', 10)).toEqual([{ itemId: 'a', score: 0.9 }]);
    expect(source.name).toBe('gnn-worker@v7');
  });

  it('asks the worker once for concurrent and repeated decisions of the same user within the cache time', async () => {
    let calls = 0;
    server.on('request', () => calls++);
    const source = new HttpGnnCandidateSource(base, { timeoutMs: 1000, cacheMs: 60_000 });
    const answers = await Promise.all(Array.from({ length: 20 }, () => source.candidates('known', 10)));
    await source.candidates('known', 10);
    expect(answers.every((a) => a.length === 1)).toBe(true);
    expect(calls).toBe(1);
  });

  it('yields nothing when the worker has no model or answers too slowly', async () => {
    const failures: string[] = [];
    const onFailure = (r: string): number => failures.push(r);
    // A generous timeout for the 503, so a loaded machine cannot turn it into a timeout.
    expect(await new HttpGnnCandidateSource(base, { timeoutMs: 5_000, onFailure }).candidates('unknown', 10)).toEqual(
      [],
    );
    expect(await new HttpGnnCandidateSource(base, { timeoutMs: 50, onFailure }).candidates('slow', 10)).toEqual([]);
    expect(failures).toEqual(['status', 'timeout']);
  });
});
