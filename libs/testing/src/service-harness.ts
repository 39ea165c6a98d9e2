import { freePort } from './free-port';
import { ServiceProcess } from './service-process';
import { authFetch, testAuthEnv } from './test-auth';
import { isolatedEnv, type IsolatedEnv } from './test-env';

export interface ServiceHarness {
  /** This test's isolated topics, group and keys (valid inside a test and its hooks). */
  readonly ctx: IsolatedEnv;
  /** This test's HTTP port, chosen by the OS. */
  readonly port: number;
  /** Starts the app on this test's port and waits for /health/ready; it is SIGKILLed after the test if still up. */
  start(extra?: NodeJS.ProcessEnv, timeoutMs?: number): Promise<ServiceProcess>;
  /** Starts the app without waiting (a process expected to stop at boot); also cleaned up after the test. */
  spawn(extra?: NodeJS.ProcessEnv): ServiceProcess;
  url(path: string): string;
  /** fetch of `path` on this test's service with the all-roles test key (for services started with testAuthEnv()). */
  fetch(path: string, init?: RequestInit): Promise<Response>;
}

/**
 * The scaffolding every service suite needs, registered once: a fresh isolated environment and port per test, and
 * after it every process the test started killed and every topic and key it made deleted. Services run with API keys
 * on (testAuthEnv); `fetch` sends the all-roles test key. Call inside `describe`.
 */
export function serviceHarness(app: string, env: NodeJS.ProcessEnv = {}): ServiceHarness {
  let current: IsolatedEnv | undefined;
  let port = 0;
  const started: ServiceProcess[] = [];
  const ctx = (): IsolatedEnv => {
    if (!current) throw new Error(`serviceHarness(${app}) used outside a test`);
    return current;
  };

  beforeEach(async () => {
    // API keys on, as in production, with the generated test keys that `fetch` below sends.
    current = await isolatedEnv({ ...testAuthEnv(), ...env });
    port = await freePort();
  });

  afterEach(async () => {
    for (const s of started.splice(0)) await s.stop('SIGKILL');
    await current?.close();
    current = undefined;
  });

  return {
    get ctx() {
      return ctx();
    },
    get port() {
      return port;
    },
    async start(extra = {}, timeoutMs = 90_000) {
      const s = await ServiceProcess.startReady(app, { ...ctx().env, ...extra }, port, timeoutMs);
      started.push(s);
      return s;
    },
    spawn(extra = {}) {
      const s = ServiceProcess.start(app, { ...ctx().env, PORT: String(port), ...extra });
      started.push(s);
      return s;
    },
    url: (path) => `http://127.0.0.1:${port}${path}`,
    fetch: (path, init) => authFetch(`http://127.0.0.1:${port}${path}`, init),
  };
}
