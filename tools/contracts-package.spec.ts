import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONTRACT_VERSION, TOPICS } from '@offerstream/contracts';
import { buildContractsPackage } from './contracts-package';

const ROOT = join(__dirname, '..');

describe('the @offerstream/contracts package', () => {
  let work: string;
  let pkg: string;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'contracts-package-'));
    pkg = buildContractsPackage(join(work, 'package'));
  }, 120_000);

  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it('is versioned as the contract: major.minor of the package is CONTRACT_VERSION', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'libs/contracts/package.json'), 'utf8')) as {
      version: string;
    };
    expect(version.split('.').slice(0, 2).join('.')).toBe(CONTRACT_VERSION);
  });

  it('packs the compiled code, its types and the JSON Schema of every topic, and no sources or tests', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: pkg, encoding: 'utf8' });
    const [{ files }] = JSON.parse(out) as [{ files: { path: string }[] }];
    const paths = files.map((f) => f.path);
    for (const t of Object.values(TOPICS)) expect(paths).toContain(`schemas/${t.name}.schema.json`);
    expect(paths).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'schemas/asyncapi.json',
        'dist/contracts/src/index.js',
        'dist/contracts/src/index.d.ts',
        'dist/core/src/offerstream.error.js',
      ]),
    );
    expect(paths.filter((p) => /\.ts$/.test(p) && !p.endsWith('.d.ts'))).toEqual([]);
    expect(paths.filter((p) => p.includes('spec'))).toEqual([]);
  });

  it('installs from its tarball and decodes an offer outside this repository', () => {
    const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], {
      cwd: pkg,
      encoding: 'utf8',
    }).trim();
    const app = join(work, 'app');
    const target = join(app, 'node_modules', '@offerstream', 'contracts');
    mkdirSync(target, { recursive: true });
    execFileSync('tar', ['-xzf', join(work, tarball), '-C', target, '--strip-components=1']);
    // zod is a peer dependency: the app brings its own (here the workspace's).
    symlinkSync(join(ROOT, 'node_modules', 'zod'), join(app, 'node_modules', 'zod'), 'dir');
    const script = `
      const c = require('@offerstream/contracts');
      const offer = { offerId: 'o-1', userId: 'u-1', offerType: 'percent_discount', items: ['sku-1'], value: 20,
        currency: 'EUR', expiresAt: '2030-01-01T00:00:00Z', campaignId: 'spring', trigger: 'http_decision',
        triggerId: 't-1', channel: 'email', reasonCodes: ['x'], modelVersions: {}, score: 0.1, upliftEstimate: 0.01,
        expectedIncrementalProfit: 1, probability: 0.5 };
      const event = { eventId: 'e-1', schemaVersion: c.CONTRACT_VERSION, occurredAt: '2026-12-02T00:00:00Z',
        producer: 'shop', userId: 'u-1', type: 'offer', payload: offer };
      const ok = c.decodeEvent(c.TOPICS.offers, Buffer.from(JSON.stringify(event)));
      const bad = c.decodeEvent(c.TOPICS.offers, Buffer.from('{}'));
      const schema = require(require.resolve('@offerstream/contracts/schemas/offerstream.offers.v1.schema.json'));
      console.log(JSON.stringify({ ok: ok.ok, channel: ok.ok && ok.event.payload.channel, bad: bad.ok,
        code: bad.ok ? null : bad.error.code, schemaTitle: schema.title }));`;
    const out = execFileSync(process.execPath, ['-e', script], { cwd: app, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({
      ok: true,
      channel: 'email',
      bad: false,
      code: 'VALIDATION_FAILED',
      schemaTitle: TOPICS.offers.name,
    });
  });
});
