import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serviceHarness, waitFor } from '@offerstream/testing';

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** Keys rotate without a restart: a running service follows its API_KEYS_FILE (the GNN worker boots fastest). */
describe('API key rotation on a running service', () => {
  const h = serviceHarness('gnn-worker');
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'keys-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts a key added to the file and refuses a removed one within the reload interval', async () => {
    const file = join(dir, 'api-keys');
    const [oldKey, newKey] = [randomBytes(24).toString('hex'), randomBytes(24).toString('hex')];
    writeFileSync(file, `# ops keys\nops-2026-11:reader:${sha256(oldKey)}\n`);
    await h.start({ API_KEYS: '', API_KEYS_FILE: file, API_KEYS_RELOAD_S: '1' });
    const status = async (key: string): Promise<number> =>
      (await fetch(h.url('/model'), { headers: { authorization: `Bearer ${key}` } })).status;
    expect(await status(oldKey)).toBe(200);
    expect(await status(newKey)).toBe(401);

    writeFileSync(file, `ops-2026-11:reader:${sha256(oldKey)}\nops-2026-12:reader:${sha256(newKey)}\n`);
    await waitFor(async () => (await status(newKey)) === 200, {
      timeoutMs: 10_000,
      what: 'the added key to be accepted',
    });
    expect(await status(oldKey)).toBe(200);

    writeFileSync(file, `ops-2026-12:reader:${sha256(newKey)}\n`);
    await waitFor(async () => (await status(oldKey)) === 401, {
      timeoutMs: 10_000,
      what: 'the removed key to be refused',
    });
    expect(await status(newKey)).toBe(200);

    // A botched edit keeps the last good keys instead of locking everyone out.
    writeFileSync(file, 'ops-2026-12:reader:not-a-hash\n');
    await new Promise((r) => setTimeout(r, 2_500));
    expect(await status(newKey)).toBe(200);
  });
});
