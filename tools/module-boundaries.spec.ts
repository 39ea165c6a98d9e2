import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

interface LintResult {
  messages: { ruleId: string | null; message: string }[];
}

/**
 * Lints a probe file placed at `file` with the repository's real config, in a child process as CI does (ESLint's
 * flat config is an ES module, which Jest's CommonJS sandbox cannot import).
 */
async function lintAs(file: string, code: string): Promise<string[]> {
  const path = join(ROOT, file);
  writeFileSync(path, code);
  try {
    const out = spawnSync(
      process.execPath,
      [join(ROOT, 'node_modules/eslint/bin/eslint.js'), '--format', 'json', path],
      {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, NX_DAEMON: 'false' },
      },
    );
    const [result] = JSON.parse(out.stdout) as LintResult[];
    return (result?.messages ?? []).filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
  } finally {
    rmSync(path, { force: true });
  }
}

describe('module boundaries', () => {
  beforeAll(() => {
    // The rule reads Nx's cached project graph; build it the way scripts/test.sh does.
    execFileSync(process.execPath, [join(ROOT, 'node_modules/nx/bin/nx.js'), 'show', 'projects'], {
      cwd: ROOT,
      env: { ...process.env, NX_DAEMON: 'false' },
      stdio: 'ignore',
    });
  }, 60_000);

  it('fails lint when a shared library imports a domain library', async () => {
    const messages = await lintAs(
      `libs/kafka/src/boundary-probe-${process.pid}.ts`,
      "import { EventCounterStore } from '@offerstream/feature-store';\nexport const x = EventCounterStore;\n",
    );
    expect(messages.join('\n')).toMatch(/tagged with/);
  }, 60_000);

  it('lets an app import the domain library of its own scope', async () => {
    const messages = await lintAs(
      `apps/stream-processor/src/boundary-probe-${process.pid}.ts`,
      "import { EventCounterStore } from '@offerstream/feature-store';\nexport const x = EventCounterStore;\n",
    );
    expect(messages).toEqual([]);
  }, 60_000);
});
