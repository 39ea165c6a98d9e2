import { fuzzParams, fuzzRuns } from './fuzz-runs';

describe('fuzz run settings', () => {
  it('uses the test default unless FUZZ_RUNS asks for more', () => {
    expect(fuzzRuns(50, {})).toBe(50);
    expect(fuzzRuns(50, { FUZZ_RUNS: '5000' })).toBe(5000);
  });

  it('replays a failing run with the seed fast-check printed', () => {
    expect(fuzzParams(50, { FUZZ_SEED: '-160814652' })).toEqual({ numRuns: 50, seed: -160814652 });
    expect(fuzzParams(50, {})).toEqual({ numRuns: 50 });
  });

  it('refuses a run count or seed that is not an integer, naming the variable', () => {
    expect(() => fuzzRuns(50, { FUZZ_RUNS: 'lots' })).toThrow(/FUZZ_RUNS/);
    expect(() => fuzzRuns(50, { FUZZ_RUNS: '0' })).toThrow(/FUZZ_RUNS/);
    expect(() => fuzzParams(50, { FUZZ_SEED: '1.5' })).toThrow(/FUZZ_SEED/);
  });
});
