import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiKeyStore } from './api-key-store';
import { hashApiKey } from './api-keys';

describe('ApiKeyStore', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'keys-'));
    file = join(dir, 'api-keys');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (text: string, mtimeS: number): void => {
    writeFileSync(file, text);
    utimesSync(file, mtimeS, mtimeS);
  };

  it('accepts keys from the variable and the file together', () => {
    write(`ops:admin:${hashApiKey('from-file')}\n`, 1_000);
    const store = new ApiKeyStore({ inline: `shop:decider:${hashApiKey('from-env')}`, file, reloadMs: 1000 });
    expect(store.find('from-env')?.name).toBe('shop');
    expect(store.find('from-file')?.name).toBe('ops');
    expect(store.size).toBe(2);
  });

  it('rotates: a rewritten file replaces the old key with the new one without a restart', () => {
    write(`ops:admin:${hashApiKey('old-key')}\n`, 1_000);
    const store = new ApiKeyStore({ file, reloadMs: 1000 });
    expect(store.reload()).toBe(false);
    write(`ops:admin:${hashApiKey('new-key')}\n`, 2_000);
    expect(store.reload()).toBe(true);
    expect(store.find('new-key')?.name).toBe('ops');
    expect(store.find('old-key')).toBeUndefined();
  });

  it('keeps the last good keys when the file turns bad, and refuses a bad file at boot', () => {
    write(`ops:admin:${hashApiKey('good')}\n`, 1_000);
    const store = new ApiKeyStore({ file, reloadMs: 1000 });
    write('ops:admin:not-a-hash\n', 2_000);
    expect(() => store.reload()).toThrow(/API_KEYS_FILE: entry 1 \(ops\)/);
    expect(store.find('good')?.name).toBe('ops');
    expect(() => new ApiKeyStore({ file, reloadMs: 1000 })).toThrow(/API_KEYS_FILE/);
    expect(() => new ApiKeyStore({ file: join(dir, 'missing'), reloadMs: 1000 })).toThrow(/cannot read/);
  });
});
