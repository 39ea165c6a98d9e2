/**
 * GNN worker serving and refresh on Gowalla-sized data:
 *   npm run bench -- gnn [--train FILE] [--queries N] [--rank N] [--n N]
 * The measured code is the worker's own (publisher, candidate reader); an app cannot be imported from here, so
 * its bench entry runs as a child process (progress on stderr, the result as its last stdout line).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

export default async function gnnBench(argv: string[]): Promise<Record<string, unknown>> {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'tools', 'run-ts.cjs'), join(ROOT, 'apps', 'gnn-worker', 'src', 'bench', 'gnn-bench.main.ts'), ...argv],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (b: Buffer) => {
    out += b.toString('utf8');
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const last = out.trim().split('\n').pop() ?? '';
  if (code !== 0 || !last.startsWith('{')) throw new Error(`gnn bench exited with ${code}`);
  return { ...(JSON.parse(last) as Record<string, unknown>), command: `npm run bench -- gnn ${argv.join(' ')}`.trim() };
}
