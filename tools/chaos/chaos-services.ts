import { freePort, ServiceProcess, waitHttpOk } from '@offerstream/testing';
import type { PrivateStack } from './private-stack';

export type ServiceName = 'stream-processor' | 'decision-service';
export const SERVICES: readonly ServiceName[] = ['stream-processor', 'decision-service'];

/** Consumer group ids (CONSUMER_GROUP) of each service in the chaos run. */
export const CHAOS_GROUPS: Record<ServiceName, string> = {
  'stream-processor': 'chaos-stream',
  'decision-service': 'chaos-decision',
};
export const CHAOS_KEY_PREFIX = 'chaos:';

/** Every service fails a Redis command after 2 s, so the Redis pause of 4 s is past the client timeout. */
export const REDIS_COMMAND_TIMEOUT_MS = 2_000;

/**
 * The services under test, each a real process (ServiceProcess, as the integration suites start them) on the
 * private stack; `restart` brings one back the way a Kubernetes restart would, on the same port.
 */
export class ChaosServices {
  private readonly procs = new Map<ServiceName, ServiceProcess>();
  private readonly ports = new Map<ServiceName, number>();
  /** How many times the run restarted each service (after its kills, and when one did not recover by itself). */
  readonly restarts: Record<ServiceName, number> = { 'stream-processor': 0, 'decision-service': 0 };

  constructor(private readonly stack: PrivateStack) {}

  env(name: ServiceName): NodeJS.ProcessEnv {
    const common: NodeJS.ProcessEnv = {
      KAFKA_BROKERS: this.stack.brokers,
      REDIS_URL: this.stack.redisUrl,
      KAFKA_TOPIC_PREFIX: '',
      REDIS_KEY_PREFIX: CHAOS_KEY_PREFIX,
      REDIS_COMMAND_TIMEOUT_MS: String(REDIS_COMMAND_TIMEOUT_MS),
      // The private Redis runs with AOF; a service must refuse one without (as in the shipped stacks).
      REDIS_REQUIRE_PERSISTENCE: 'true',
      CONSUMER_GROUP: CHAOS_GROUPS[name],
      KAFKA_CLIENT_ID: `chaos-${name}`,
      LOG_LEVEL: 'warn',
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
      AUTH_MODE: 'off',
      OTEL_SDK_DISABLED: 'true',
    };
    if (name === 'stream-processor') {
      return { ...common, JOBS_ENABLED: 'false', FS_MAX_EVENT_BYTES: '4096', FS_SEGMENT_INTERVAL_S: '3600' };
    }
    return {
      ...common,
      DEFAULT_CAMPAIGN: 'false',
      CAMPAIGN_POLL_MS: '200',
      // No model is published: the policy explores uniformly, so most decisions are offers of random actions.
      EXPLORATION_MAX: '1',
      EXPLORATION_MIN: '1',
      // HTTP offers lost to a SIGKILL leave the outbox within ~1.5 s instead of 40 s.
      OUTBOX_GRACE_MS: '1000',
      BUDGET_SWEEP_MS: '300',
    };
  }

  port(name: ServiceName): number {
    const p = this.ports.get(name);
    if (p === undefined) throw new Error(`${name} was never started`);
    return p;
  }

  url(name: ServiceName, path: string): string {
    return `http://127.0.0.1:${this.port(name)}${path}`;
  }

  async start(name: ServiceName, timeoutMs = 120_000): Promise<void> {
    const port = this.ports.get(name) ?? (await freePort());
    this.ports.set(name, port);
    this.procs.set(name, await ServiceProcess.startReady(name, this.env(name), port, timeoutMs));
  }

  /** SIGKILL (or another signal) and wait for the exit. */
  async kill(name: ServiceName, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await this.procs.get(name)?.stop(signal);
  }

  async restart(name: ServiceName): Promise<void> {
    await this.kill(name, 'SIGKILL');
    this.restarts[name]++;
    await this.start(name);
  }

  running(name: ServiceName): boolean {
    const p = this.procs.get(name);
    return p !== undefined && p.child.exitCode === null && p.child.signalCode === null;
  }

  async ready(name: ServiceName): Promise<boolean> {
    if (!this.running(name)) return false;
    try {
      return (await fetch(this.url(name, '/health/ready'), { signal: AbortSignal.timeout(3_000) })).ok;
    } catch {
      return false;
    }
  }

  async waitReady(name: ServiceName, timeoutMs: number): Promise<void> {
    await waitHttpOk(this.url(name, '/health/ready'), timeoutMs);
  }

  tail(name: ServiceName, n = 20): string {
    return this.procs.get(name)?.tail(n) ?? '';
  }

  async stopAll(): Promise<void> {
    for (const p of this.procs.values()) await p.stop('SIGKILL');
  }
}
