import { readFileSync, statSync } from 'node:fs';
import { ConfigError, errorMessage, PeriodicTask, type Logger } from '@offerstream/core';
import { ApiKeyRing, parseApiKeys, type ApiKeyEntry } from './api-keys';

export interface ApiKeySources {
  /** The API_KEYS value: fixed for the life of the process. */
  readonly inline?: string;
  /** API_KEYS_FILE: re-read when its modification time or size changes, so keys rotate without a restart. */
  readonly file?: string;
  readonly reloadMs: number;
}

/**
 * The keys a service accepts. The file is read at boot (a bad file stops the boot) and then polled; a file that
 * turns bad later keeps the last good keys and logs an error, so a botched edit cannot lock every caller out.
 */
export class ApiKeyStore {
  private ring: ApiKeyRing;
  private readonly inline: ApiKeyEntry[];
  private fileStamp = '';
  private readonly task: PeriodicTask | undefined;

  constructor(
    private readonly sources: ApiKeySources,
    private readonly logger?: Logger,
  ) {
    this.inline = sources.inline === undefined ? [] : parseApiKeys(sources.inline, 'API_KEYS');
    this.ring = new ApiKeyRing(this.inline);
    if (sources.file !== undefined) {
      this.reload();
      this.task = new PeriodicTask(
        'api key reload',
        sources.reloadMs,
        () => Promise.resolve(this.reloadQuietly()),
        logger,
      );
    }
  }

  get size(): number {
    return this.ring.size;
  }

  find(presented: string): ApiKeyEntry | undefined {
    return this.ring.find(presented);
  }

  start(): void {
    this.task?.start();
  }

  async stop(): Promise<void> {
    await this.task?.stop();
  }

  /** Reads the file if it changed; returns whether the keys were replaced. Throws on a bad file. */
  reload(): boolean {
    const file = this.sources.file;
    if (file === undefined) return false;
    let text: string;
    let stamp: string;
    try {
      const st = statSync(file);
      stamp = `${st.mtimeMs}:${st.size}`;
      if (stamp === this.fileStamp) return false;
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new ConfigError('API_KEYS_FILE', `cannot read ${file}: ${errorMessage(e)}`);
    }
    const fromFile = parseApiKeys(text, 'API_KEYS_FILE');
    const names = new Set(this.inline.map((k) => k.name));
    const clash = fromFile.find((k) => names.has(k.name));
    if (clash) throw new ConfigError('API_KEYS_FILE', `key name ${clash.name} is also in API_KEYS`);
    this.ring = new ApiKeyRing([...this.inline, ...fromFile]);
    this.fileStamp = stamp;
    this.logger?.info('api keys loaded', { file, keys: this.ring.size });
    return true;
  }

  private reloadQuietly(): void {
    try {
      this.reload();
    } catch (e) {
      this.logger?.error('api key file rejected; the previous keys stay in force', { error: errorMessage(e) });
    }
  }
}
