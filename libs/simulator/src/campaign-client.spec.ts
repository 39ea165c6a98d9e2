import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetchLearningStatus, learningCaughtUp, waitForLearning } from './campaign-client';

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
  it('reads the model served and why the last refit did not replace it', async () => {
    const { url, server } = await modelsServer(
      200,
      JSON.stringify({
        profit: {
          joinedDecisions: 6000,
          pendingDecisions: 0,
          refitCovered: 6000,
          serving: 'profit-conversion@fit1-n3000',
          lastRefit: { outcome: 'not_better', covered: 6000, at: 'x', promotion: { reason: 'worse than no offer' } },
        },
      }),
    );
    try {
      await expect(fetchLearningStatus(url)).resolves.toEqual({
        joined: 6000,
        pending: 0,
        refitCovered: 6000,
        serving: 'profit-conversion@fit1-n3000',
        lastRefit: { outcome: 'not_better', covered: 6000, reason: 'worse than no offer' },
      });
    } finally {
      await close(server);
    }
  });

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

/** A real HTTP server whose GET /models answers come from `answers` in turn, the last one repeated. */
async function scriptedServer(
  answers: readonly { status: number; body: string }[],
): Promise<{ url: string; server: Server }> {
  let asked = 0;
  const server = createServer((_req, res) => {
    const a = answers[Math.min(asked++, answers.length - 1)] as { status: number; body: string };
    res.writeHead(a.status, { 'content-type': 'application/json' });
    res.end(a.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const profit = (joined: number, pending: number, covered: number): { status: number; body: string } => ({
  status: 200,
  body: JSON.stringify({ profit: { joinedDecisions: joined, pendingDecisions: pending, refitCovered: covered } }),
});

describe('waitForLearning', () => {
  it('asks again after a failed status read and returns once learning has caught up', async () => {
    const failed = { status: 500, body: '{"error":"INTERNAL"}' };
    const { url, server } = await scriptedServer([failed, profit(3000, 40, 0), failed, profit(3000, 0, 3000)]);
    const lines: string[] = [];
    try {
      const r = await waitForLearning(url, undefined, { minNew: 200, timeoutMs: 10_000, pollMs: 5 }, (l) =>
        lines.push(l),
      );
      expect(r).toMatchObject({
        caughtUp: true,
        failures: 2,
        status: { joined: 3000, pending: 0, refitCovered: 3000 },
      });
      expect(lines[0]).toMatch(/learning status failed \(1\), asking again: model status: 500/);
    } finally {
      await close(server);
    }
  });

  it('gives up after the timeout with the last status it read', async () => {
    const { url, server } = await scriptedServer([profit(3000, 0, 1000)]);
    try {
      const r = await waitForLearning(url, undefined, { minNew: 200, timeoutMs: 50, pollMs: 5 });
      expect(r.caughtUp).toBe(false);
      expect(r.failures).toBe(0);
      expect(r.status).toEqual({ joined: 3000, pending: 0, refitCovered: 1000 });
      expect(r.waitedMs).toBeGreaterThanOrEqual(50);
    } finally {
      await close(server);
    }
  });

  it('gives up after the timeout with the last error when no read succeeded', async () => {
    const { url, server } = await scriptedServer([{ status: 503, body: 'busy' }]);
    try {
      const r = await waitForLearning(url, undefined, { minNew: 200, timeoutMs: 30, pollMs: 5 });
      expect(r).toMatchObject({ caughtUp: false, lastError: 'model status: 503 busy' });
      expect(r.status).toBeUndefined();
      expect(r.failures).toBeGreaterThan(1);
    } finally {
      await close(server);
    }
  });
});
