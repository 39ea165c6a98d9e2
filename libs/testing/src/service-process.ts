import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

/** A service started as its own Node process, the way it runs in production, so it can be killed for real. */
export class ServiceProcess {
  readonly output: string[] = [];
  private exited: Promise<number | null>;

  private constructor(readonly child: ChildProcess) {
    const collect = (b: Buffer): void => {
      this.output.push(...b.toString('utf8').split('\n').filter(Boolean));
      if (this.output.length > 5000) this.output.splice(0, this.output.length - 5000);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static start(app: string, env: NodeJS.ProcessEnv): ServiceProcess {
    const child = spawn(
      process.execPath,
      [join(ROOT, 'tools', 'run-ts.cjs'), join(ROOT, 'apps', app, 'src', 'main.ts')],
      {
        cwd: ROOT,
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    return new ServiceProcess(child);
  }

  /**
   * Starts the services together (they boot in parallel) and waits for each one's /health/ready. If one is not ready
   * in time, every one is killed, so a failed suite leaks none, and the error carries that service's last log lines.
   */
  static async startAllReady(
    services: readonly { app: string; env: NodeJS.ProcessEnv; port: number }[],
    timeoutMs = 60_000,
  ): Promise<ServiceProcess[]> {
    const started = services.map((s) => ServiceProcess.start(s.app, { ...s.env, PORT: String(s.port) }));
    try {
      await Promise.all(
        services.map((s, i) =>
          waitHttpOk(`http://127.0.0.1:${s.port}/health/ready`, timeoutMs).catch((e: unknown) => {
            throw new Error(`${s.app}: ${e instanceof Error ? e.message : String(e)}\n${started[i]!.tail()}`);
          }),
        ),
      );
    } catch (e) {
      await Promise.all(started.map((s) => s.stop('SIGKILL')));
      throw e;
    }
    return started;
  }

  /** Starts the service and waits for /health/ready; a service that never gets ready fails with its last log lines. */
  static async startReady(
    app: string,
    env: NodeJS.ProcessEnv,
    port: number,
    timeoutMs = 60_000,
  ): Promise<ServiceProcess> {
    const service = ServiceProcess.start(app, { ...env, PORT: String(port) });
    try {
      await waitHttpOk(`http://127.0.0.1:${port}/health/ready`, timeoutMs);
    } catch (e) {
      await service.stop('SIGKILL');
      throw new Error(`${e instanceof Error ? e.message : String(e)}\n${service.tail()}`);
    }
    return service;
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 20_000): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  waitExit(): Promise<number | null> {
    return this.exited;
  }

  tail(n = 30): string {
    return this.output.slice(-n).join('\n');
  }
}

/** Polls an HTTP endpoint of a service until it answers 200. */
export async function waitHttpOk(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}
