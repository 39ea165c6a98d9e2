import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decisionRecord, type DecisionRecord } from '@offerstream/contracts';
import type { OpeDecision } from '../ope/ope-decision';
import { simulateDecisionLog } from '../ope/simulated-decision-log';
import { SeededRandom } from '@offerstream/core';
import { parseDecisionLine } from './ope-decision-lines';
import { runOpeEvaluation } from './ope-evaluation';

const ROOT = join(__dirname, '../../../..');

function record(d: OpeDecision, i: number): DecisionRecord {
  return decisionRecord.parse({
    decisionId: `d-${i}`,
    trigger: { kind: 'http_decision', id: `t-${i}` },
    userId: `u-${i % 37}`,
    kind: d.action === 'none' ? 'no_offer' : 'offer',
    reason: d.action === 'none' ? 'policy_chose_no_offer' : 'offer',
    action: d.action,
    probability: d.propensity,
    candidates: d.available.map((a) => ({
      action: a,
      offerType: a === 'none' ? 'none' : a === 'pct10' ? 'percent_discount' : 'free_shipping',
      cost: a === 'none' ? 0 : 5,
      probability: d.loggingProbabilities?.[a],
    })),
    reasonCodes: [],
    modelVersions: { bandit: 'v1' },
    decidedAt: '2026-12-01T10:00:00Z',
  });
}

/** Plain records, every fifth as a kcat -J envelope, every eleventh still without a reward. */
function lines(decisions: readonly OpeDecision[]): string[] {
  return decisions.map((d, i) => {
    const extra = i % 11 === 10 ? {} : { reward: d.reward, features: d.context, segment: i % 2 ? 'web' : 'app' };
    if (i % 5 !== 0) return JSON.stringify({ ...record(d, i), ...extra });
    const event = {
      eventId: `e-${i}`,
      schemaVersion: '1.0',
      occurredAt: '2026-12-01T10:00:00Z',
      producer: 'decision-service',
      type: 'decision',
      payload: { ...record(d, i), ...extra },
    };
    return JSON.stringify({
      topic: 'offerstream.decisions.v1',
      partition: 0,
      offset: i,
      key: `u-${i}`,
      payload: JSON.stringify(event),
    });
  });
}

describe('ope evaluation CLI', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ope-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('evaluates the standard policies on a generated decision file, skipping and counting lines without reward', async () => {
    const file = join(dir, 'decisions.jsonl');
    const decisions = simulateDecisionLog(550, new SeededRandom(5));
    writeFileSync(file, `${lines(decisions).join('\n')}\n\n`);
    const out = await runOpeEvaluation(['ope', '--decisions', file, '--folds', '4', '--seed', '2']);
    if (!out) throw new Error('no result');
    expect(out.skippedWithoutReward).toBe(50);
    expect(out.n).toBe(500);
    expect(out.folds).toBe(4);
    expect(Object.keys(out.policies)).toEqual(['logging', 'none', 'all:free_shipping', 'all:pct10', 'random', 'model']);
    const logging = out.policies['logging'];
    const rewarded = decisions.filter((_, i) => i % 11 !== 10);
    expect(logging?.ips.value).toBeCloseTo(rewarded.reduce((s, d) => s + d.reward, 0) / rewarded.length, 10);
    for (const p of Object.values(out.policies)) {
      for (const e of [p.ips, p.snips, p.dr]) expect(e.lower).toBeLessThanOrEqual(e.value);
      expect(p.ess).toBeGreaterThan(0);
    }
    expect((out.segments?.['app']?.n ?? 0) + (out.segments?.['web']?.n ?? 0)).toBe(500);
    expect(JSON.parse(JSON.stringify(out)) as unknown).toEqual(out);
  });

  it('reads the logging distribution from the candidates and the reward from a kcat envelope', () => {
    const [d] = simulateDecisionLog(1, new SeededRandom(6)) as [OpeDecision];
    const [line] = lines([d]) as [string];
    expect(JSON.parse(line)).toHaveProperty('topic');
    expect(parseDecisionLine(line, 'x:1')).toEqual({ ...d, segment: 'app' });
  });

  it('rejects a malformed file naming the line, with exit code 2', async () => {
    const file = join(dir, 'broken.jsonl');
    const good = lines(simulateDecisionLog(3, new SeededRandom(7)));
    writeFileSync(file, [good[0], good[1], '{"decisionId": "d-9", "reward": 1', good[2]].join('\n'));
    await expect(runOpeEvaluation(['--decisions', file])).rejects.toMatchObject({ exitCode: 2 });
    await expect(runOpeEvaluation(['--decisions', file])).rejects.toThrow(`${file}:3: not JSON`);
    const badFeatures = join(dir, 'features.jsonl');
    writeFileSync(
      badFeatures,
      `${good[1]}\n${JSON.stringify({ ...JSON.parse(good[2] ?? ''), features: [1, 'x', 3] })}\n`,
    );
    await expect(runOpeEvaluation(['--decisions', badFeatures])).rejects.toThrow(
      `${badFeatures}:2: not a decision record (features.1:`,
    );
    await expect(runOpeEvaluation(['--decisions', file, '--folds', 'many'])).rejects.toMatchObject({ exitCode: 2 });
    await expect(runOpeEvaluation(['--decision', file])).rejects.toMatchObject({ exitCode: 2 });

    const cli = spawnSync(process.execPath, ['tools/run-ts.cjs', 'tools/evaluate.ts', 'ope', '--decisions', file], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    // stderr is part of the compared object so a failure shows why the process exited as it did.
    expect({ status: cli.status, stderr: cli.stderr }).toEqual({
      status: 2,
      stderr: expect.stringContaining(`${file}:3: not JSON`) as unknown,
    });
    expect(cli.stdout).toBe('');
  }, 30_000);
});
