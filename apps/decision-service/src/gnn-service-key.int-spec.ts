import {
  authFetch,
  freePort,
  isolatedEnv,
  ServiceProcess,
  TEST_KEYS,
  testAuthEnv,
  type IsolatedEnv,
} from '@offerstream/testing';

interface GnnStatus {
  gnn: { configured: boolean; status?: { graph: { users: number } }; error?: string };
}

/**
 * Service to service: the GNN worker checks API keys like every service, and the decision service presents its own
 * key (GNN_CANDIDATES_API_KEY, a key with the worker's reader role) on every call to it.
 */
describe('the decision service calls a GNN worker that checks keys', () => {
  let ctx: IsolatedEnv;
  const procs: ServiceProcess[] = [];

  beforeAll(async () => {
    ctx = await isolatedEnv({ ...testAuthEnv(), DEFAULT_CAMPAIGN: 'false', JOBS_ENABLED: 'false' });
  });

  afterAll(async () => {
    for (const p of procs) await p.stop('SIGKILL');
    await ctx.close();
  });

  it('answers with the worker status when its key holds reader, and the worker refuses callers without one', async () => {
    const [gnnPort, withKey, wrongKey] = [await freePort(), await freePort(), await freePort()];
    const gnnUrl = `http://127.0.0.1:${gnnPort}`;
    procs.push(await ServiceProcess.startReady('gnn-worker', { ...ctx.env, PORT: String(gnnPort) }, gnnPort, 90_000));
    const decision = (port: number, key: string): Promise<ServiceProcess> =>
      ServiceProcess.startReady(
        'decision-service',
        { ...ctx.env, PORT: String(port), GNN_CANDIDATES_URL: gnnUrl, GNN_CANDIDATES_API_KEY: key },
        port,
        90_000,
      );
    procs.push(...(await Promise.all([decision(withKey, TEST_KEYS.reader), decision(wrongKey, TEST_KEYS.metrics)])));

    expect((await fetch(`${gnnUrl}/model`)).status).toBe(401);
    const status = async (port: number): Promise<GnnStatus['gnn']> =>
      ((await (await authFetch(`http://127.0.0.1:${port}/models`, {}, 'reader')).json()) as GnnStatus).gnn;
    const served = await status(withKey);
    expect(served.error).toBeUndefined();
    expect(served.status?.graph.users).toBe(0);
    // A key without the reader role is refused by the worker, and the console says so instead of showing no model.
    expect(await status(wrongKey)).toEqual({ configured: true, error: 'gnn-worker answered HTTP 403' });
  });
});
