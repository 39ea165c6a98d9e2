import { barCheck, roundLine } from './round-table';
import type { PolicyScores } from './scoreboard';
import type { RoundResult, SimulationResult } from './simulation.runner';

const scores = (live: number, randomSameCount: number, oracleSameCount: number, bestSame = 0): PolicyScores => ({
  requests: 100,
  offers: 10,
  live,
  noOffers: 0,
  offersToAll: { pct10: -1, pct20: -2, free_shipping: -3 },
  randomSameCount,
  oracleSameCount,
  bestActionSameRequests: bestSame,
});
const round = (n: number, s: PolicyScores): RoundResult => ({
  round: n,
  scores: s,
  executed: { none: 90, pct10: 10, pct20: 0, free_shipping: 0 },
  holdouts: 10,
  purchases: 12,
  attributedToDate: 12,
  missingDecisions: 0,
  report: { field: 'incrementalGrossProfit', estimate: 5, lower: -10, upper: 20 },
  truthToDate: 3,
  covered: true,
});
const run = (rounds: RoundResult[]): SimulationResult => ({
  campaignId: 'c',
  rounds,
  total: scores(0, 0, 0),
  report: rounds.at(-1)?.report ?? null,
  covered: true,
  finalReport: {},
});

describe('a round line', () => {
  it('names the model the round was served and a refit refused before it', () => {
    const refused = {
      ...round(3, scores(-1, 0, 10)),
      learning: {
        serving: 'profit-conversion@fit1-n3000',
        lastRefit: { outcome: 'not_better', covered: 6000, reason: 'worse than no offer' },
      },
    };
    expect(roundLine(refused)).toMatch(/ {2}fit1-n3000, refit on 6000 not_better$/);
    const promoted = {
      ...refused,
      learning: {
        serving: 'profit-conversion@fit2-n6000',
        lastRefit: { outcome: 'published', covered: 6000, reason: 'ok' },
      },
    };
    expect(roundLine(promoted)).toMatch(/ {2}fit2-n6000$/);
    expect(roundLine({ ...refused, learning: { serving: null, lastRefit: null } })).toMatch(/ {2}prior$/);
    expect(roundLine(round(1, scores(0, 0, 10)))).toMatch(/\d$/);
  });
});

describe("the issue's bar on a run", () => {
  it('passes a run positive from round 3 with half the oracle over rounds 4-6, split into who and which offer', () => {
    const r = run(
      [
        scores(-5, 0, 10),
        scores(-1, 0, 10),
        scores(1, 0, 10),
        scores(5, 0, 10, 8),
        scores(5, 0, 10, 8),
        scores(5, 0, 10, 8),
      ].map((s, i) => round(i + 1, s)),
    );
    expect(barCheck(r)).toEqual({
      positiveFromRound3: true,
      oracleShareRounds4to6: 0.5,
      // The shoppers offered to could have earned 0.8 of the oracle; the offers they got earned 0.625 of that.
      whoShareRounds4to6: 0.8,
      whichShareRounds4to6: 0.625,
      liveBeatsRandomLastTwo: true,
      reportField: 'incrementalGrossProfit',
      reportCovers: true,
    });
  });

  it('fails a run with a round at zero after round 3 (a spent budget earns nothing)', () => {
    const r = run(
      [scores(1, 0, 10), scores(1, 0, 10), scores(1, 0, 10), scores(0, 0, 0), scores(0, 0, 0), scores(0, 0, 0)].map(
        (s, i) => round(i + 1, s),
      ),
    );
    expect(barCheck(r)).toMatchObject({
      positiveFromRound3: false,
      oracleShareRounds4to6: null,
      liveBeatsRandomLastTwo: false,
    });
  });

  it('prints the report interval and the truth so far on the round line', () => {
    expect(roundLine(round(2, scores(7, 1, 9)))).toMatch(/5 \[-10, 20\]\s+3$/);
  });
});
