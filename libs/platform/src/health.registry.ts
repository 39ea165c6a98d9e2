/** Readiness checks registered by the modules of a service (Kafka, Redis, model loaded, ...). */
export type HealthCheck = () => Promise<void>;

export class HealthRegistry {
  private readonly checks = new Map<string, HealthCheck>();
  private shuttingDown = false;

  register(name: string, check: HealthCheck): void {
    this.checks.set(name, check);
  }

  /** Once shutdown starts the service reports not ready, so Kubernetes stops routing to it first. */
  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  async run(timeoutMs = 2_000): Promise<{ ok: boolean; checks: Record<string, string> }> {
    const results: Record<string, string> = {};
    if (this.shuttingDown) results['shutdown'] = 'in progress';
    await Promise.all(
      [...this.checks].map(async ([name, check]) => {
        try {
          await withTimeout(check(), timeoutMs, name);
          results[name] = 'ok';
        } catch (e) {
          results[name] = e instanceof Error ? e.message : String(e);
        }
      }),
    );
    return { ok: Object.values(results).every((v) => v === 'ok'), checks: results };
  }
}

async function withTimeout<T>(p: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${name} check timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}
