import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSegmentStability } from './segment-stability';

interface Result {
  users: number;
  retrains: number;
  meanKept: Record<'stable' | 'matching' | 'raw', { all: number; untouched: number }>;
  finalClusters: { id: string; size: number; top: string[] }[];
}

/** Sessions in the DIGINETICA layout, each viewing a few items of one of 40, so the test needs no shared data. */
function writeViews(dir: string): string {
  const lines = ['session_id;user_id;item_id;timeframe;eventdate'];
  for (let s = 1; s <= 400; s++) {
    const day = `2016-05-${String(1 + (s % 28)).padStart(2, '0')}`;
    for (let v = 0; v < 3; v++) lines.push(`${s};NA;${1000 + ((s * 7 + v * 13) % 40)};${v * 60_000};${day}`);
  }
  const path = join(dir, 'views.csv');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

describe('the segment stability command', () => {
  it('replays sessions, retrains, and keeps far more users under their cluster id than fresh k-means', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'segments-'));
    try {
      const r = (await runSegmentStability([
        '--views',
        writeViews(dir),
        '--k',
        '4',
        '--retrains',
        '3',
      ])) as unknown as Result;
      expect(r.users).toBe(400);
      expect(r.retrains).toBe(3);
      expect(r.meanKept.stable.untouched).toBeGreaterThan(0.9);
      expect(r.meanKept.stable.untouched).toBeGreaterThanOrEqual(r.meanKept.raw.untouched);
      expect(r.finalClusters.map((c) => c.id).sort()).toEqual(['c0', 'c1', 'c2', 'c3']);
      expect(r.finalClusters.reduce((s, c) => s + c.size, 0)).toBe(400);
      expect(r.finalClusters.every((c) => c.top.length > 0)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('asks for the views file', async () => {
    await expect(runSegmentStability([])).rejects.toThrow(/--views is required/);
  });
});
