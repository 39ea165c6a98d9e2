import { runChaos } from './chaos-runner';

/**
 * `npm run chaos -- --quick` inside the suite: its own broker and Redis (never the shared stack), both services as
 * real processes, the decision-service SIGKILLed mid-decision, Redis SIGKILLed, poison of every class; then every
 * invariant of the run is checked against the reference replay. About 100 s.
 */
describe('the quick chaos run', () => {
  it('ends with no invariant violated and every fault recovered without help', async () => {
    const log: string[] = [];
    const summary = await runChaos({ mode: 'quick', log: (m) => log.push(m) });
    const why = `${JSON.stringify(summary, null, 2)}\n${log.join('\n')}`;
    expect({ violations: summary.examples, why: summary.ok ? '' : why }).toEqual({ violations: [], why: '' });
    expect(
      summary.faults.map((f) => ({ fault: f.fault, recovered: f.recoveryMs !== null && f.selfRecovered })),
    ).toEqual(summary.faults.map((f) => ({ fault: f.fault, recovered: true })));
    expect(summary.faultsInjected).toBe(3);
    // The run exercised what it checks: offers made and refused by the budget, users compared, refusals dead-lettered.
    expect(summary.events['offers']).toBeGreaterThan(0);
    expect(summary.events['budgetRefusals']).toBeGreaterThan(0);
    expect(summary.events['usersCompared']).toBeGreaterThan(0);
    expect(summary.events['clickstreamRefusedByStreamProcessor']).toBeGreaterThan(0);
    expect(summary.events['outcomesRefused']).toBeGreaterThan(0);
  }, 300_000);
});
