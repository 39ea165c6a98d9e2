import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetchLearningStatus, learningCaughtUp } from './campaign-client';

/** A real HTTP server answering GET /models with a fixed status and body, recording the headers it was sent. */
async function modelsServer(
  status: number,
  body: string,
): Promise<{ url: string; seen: IncomingHttpHeaders[]; server: Server }> {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(req.url === '/models' ? status : 404, { 'content-type': 'application/json' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

const close = (server: Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

describe('learningCaughtUp', () => {
  it('is true once every decision is settled and the last refit saw all but fewer than minNew', () => {
    expect(learningCaughtUp({ joined: 6000, pending: 0, refitCovered: 6000 }, 200)).toBe(true);
    expect(learningCaughtUp({ joined: 6000, pending: 0, refitCovered: 5801 }, 200)).toBe(true);
  });

  it('waits while decisions are still pending, however recent the refit', () => {
    expect(learningCaughtUp({ joined: 6000, pending: 1, refitCovered: 6000 }, 200)).toBe(false);
  });

  it('waits while the last refit missed minNew or more joined decisions', () => {
    expect(learningCaughtUp({ joined: 6000, pending: 0, refitCovered: 5800 }, 200)).toBe(false);
    expect(learningCaughtUp({ joined: 3000, pending: 0, refitCovered: 0 }, 200)).toBe(false);
  });
});

describe('fetchLearningStatus', () => {
  it('reads joined, pending and refit-covered decisions from GET /models and sends the API key', async () => {
    const { url, seen, server } = await modelsServer(
      200,
      JSON.stringify({ profit: { joinedDecisions: 900, pendingDecisions: 12, refitCovered: 850 } }),
    );
    try {
      await expect(fetchLearningStatus(url, 'k-1')).resolves.toEqual({ joined: 900, pending: 12, refitCovered: 850 });
      expect(seen[0]?.authorization).toBe('Bearer k-1');
    } finally {
      await close(server);
    }
  });

  it('reads a service that has not learned yet as nothing joined, pending or covered', async () => {
    const { url, server } = await modelsServer(200, JSON.stringify({ propensity: {} }));
    try {
      await expect(fetchLearningStatus(url)).resolves.toEqual({ joined: 0, pending: 0, refitCovered: 0 });
    } finally {
      await close(server);
    }
  });

  it('fails with the status and body when the service refuses', async () => {
    const { url, server } = await modelsServer(401, '{"message":"missing API key"}');
    try {
      await expect(fetchLearningStatus(url)).rejects.toThrow('model status: 401 {"message":"missing API key"}');
    } finally {
      await close(server);
    }
  });
});
