import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePortPair, waitFor } from '@offerstream/testing';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');

/**
 * A Kafka broker and a redis-server of the chaos run's own, started by scripts/stack.sh in a fresh STACK_DIR under
 * .cache/chaos on free ports below the ephemeral range: the faults kill, stop and fill these two processes, never
 * the shared stack on 9092/6379 that other suites use. Redis runs with the stack's AOF flags (everysec).
 */
export class PrivateStack {
  private constructor(
    readonly dir: string,
    readonly kafkaPort: number,
    readonly controllerPort: number,
    readonly redisPort: number,
  ) {}

  get brokers(): string {
    return `127.0.0.1:${this.kafkaPort}`;
  }

  get redisUrl(): string {
    return `redis://127.0.0.1:${this.redisPort}`;
  }

  static async start(log: (m: string) => void): Promise<PrivateStack> {
    const base = join(ROOT, '.cache', 'chaos');
    mkdirSync(base, { recursive: true });
    await PrivateStack.reapOrphans(base, log);
    const dir = mkdtempSync(join(base, 'stack-'));
    writeFileSync(join(dir, 'owner.pid'), String(process.pid));
    const kafka = await freePortPair(1);
    const redis = await freePortPair(0, [kafka, kafka + 1]);
    const stack = new PrivateStack(dir, kafka, kafka + 1, redis);
    log(`private stack in ${dir}: Kafka ${stack.brokers}, Redis ${stack.redisUrl}`);
    try {
      await stack.up();
    } catch (e) {
      await stack.down();
      throw e;
    }
    return stack;
  }

  /**
   * Stops the stacks of earlier runs whose process is gone (killed by a test timeout or Ctrl-C before its cleanup):
   * a broker and a redis-server would otherwise outlive them, detached, for good.
   */
  private static async reapOrphans(base: string, log: (m: string) => void): Promise<void> {
    for (const name of readdirSync(base)) {
      if (!name.startsWith('stack-')) continue;
      const dir = join(base, name);
      const owner = Number(readIfThere(join(dir, 'owner.pid')).trim() || 0);
      if (owner > 0 && alive(owner)) continue;
      log(`stopping the stack of an earlier run that did not clean up: ${dir}`);
      const ports = (file: string, re: RegExp): number => Number(re.exec(readIfThere(join(dir, file)))?.[1] ?? 0);
      const orphan = new PrivateStack(
        dir,
        ports('kafka/server.properties', /^advertised\.listeners=PLAINTEXT:\/\/127\.0\.0\.1:(\d+)$/m) || 1,
        ports('kafka/server.properties', /^listeners=.*CONTROLLER:\/\/127\.0\.0\.1:(\d+)/m) || 2,
        ports('redis/redis.port', /(\d+)/) || 3,
      );
      await orphan.down();
    }
  }

  /** `stack.sh up`: starts whichever of the two is not running (idempotent) and creates the contract's topics. */
  async up(): Promise<void> {
    await this.script('up');
  }

  async down(): Promise<void> {
    await this.script('down', '--purge').catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  kafkaPid(): number {
    return this.pid(join(this.dir, 'kafka', 'kafka.pid'));
  }

  redisPid(): number {
    return this.pid(join(this.dir, 'redis', 'redis.pid'));
  }

  /** Sends a signal and, for a terminating one, waits until the process is gone. */
  async signal(pid: number, sig: NodeJS.Signals): Promise<void> {
    process.kill(pid, sig);
    if (sig === 'SIGSTOP' || sig === 'SIGCONT') return;
    await waitFor(async () => !alive(pid) || undefined, {
      timeoutMs: 60_000,
      intervalMs: 50,
      what: `pid ${pid} to exit`,
    });
  }

  async redisCli(...args: string[]): Promise<string> {
    const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(this.redisPort), ...args], {
      timeout: 30_000,
    });
    return stdout.trim();
  }

  private pid(file: string): number {
    const pid = Number(readFileSync(file, 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no pid in ${file}`);
    return pid;
  }

  private async script(...args: string[]): Promise<void> {
    try {
      await run('bash', [join(ROOT, 'scripts', 'stack.sh'), ...args], {
        cwd: ROOT,
        timeout: 180_000,
        env: {
          ...process.env,
          STACK_DIR: this.dir,
          KAFKA_PORT: String(this.kafkaPort),
          KAFKA_CONTROLLER_PORT: String(this.controllerPort),
          REDIS_PORT: String(this.redisPort),
          REDIS_HOST: '127.0.0.1',
          STACK_SKIP_KCAT: '1',
        },
      });
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      throw new Error(`stack.sh ${args.join(' ')} failed: ${err.message}\n${(err.stderr ?? '').slice(-2000)}`);
    }
  }
}

function readIfThere(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
