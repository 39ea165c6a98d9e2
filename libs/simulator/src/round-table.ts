import { SIM_ACTIONS } from './market.config';
import type { PolicyScores } from './scoreboard';
import type { RoundResult, SimulationResult } from './simulation.runner';

const money = (x: number): string => x.toFixed(0).padStart(8);

export const ROUND_HEADER =
  'round requests offers     live  random@n  oracle@n  best@same  ' +
  SIM_ACTIONS.map((a) => `all:${a}`.padStart(16)).join(' ') +
  '   report [95% interval]  truth-to-date';

function scoreCells(s: PolicyScores): string {
  return `${String(s.requests).padStart(8)} ${String(s.offers).padStart(6)} ${money(s.live)}  ${money(s.randomSameCount)}  ${money(s.oracleSameCount)}  ${money(s.bestActionSameRequests).padStart(9)}  ${SIM_ACTIONS.map((a) => money(s.offersToAll[a]).padStart(16)).join(' ')}`;
}

/** One line per round: true incremental profit of each policy, then the report's estimate beside the truth so far. */
export function roundLine(r: RoundResult): string {
  const rep = r.report;
  const est = rep
    ? `${rep.estimate.toFixed(0)} [${rep.lower?.toFixed(0) ?? '?'}, ${rep.upper?.toFixed(0) ?? '?'}]`
    : 'n/a';
  const miss = r.missingDecisions > 0 ? ` (${r.missingDecisions} undecided)` : '';
  return `${String(r.round).padStart(5)} ${scoreCells(r.scores)}   ${est.padStart(21)}  ${money(r.truthToDate)}${miss}${modelCell(r)}`;
}

/** The model the round was served (its fit and examples), and a refit refused before it: why a round repeats one. */
function modelCell(r: RoundResult): string {
  if (!r.learning) return '';
  const { serving, lastRefit } = r.learning;
  const model = serving ? serving.slice(serving.indexOf('@') + 1) : 'prior';
  const refused =
    lastRefit && lastRefit.outcome !== 'published' ? `, refit on ${lastRefit.covered} ${lastRefit.outcome}` : '';
  return `  ${model}${refused}`;
}

export function totalLine(result: SimulationResult): string {
  return `total ${scoreCells(result.total)}`;
}

/**
 * The bar on one run: positive from round 3, oracle share over rounds 4-6, report interval covering the truth.
 * The share is split in two factors whose product it is: who got offers (the best action on the requests offered to,
 * against the oracle) and which offer they got (live against that best action on the same requests).
 */
export function barCheck(result: SimulationResult): {
  positiveFromRound3: boolean;
  oracleShareRounds4to6: number | null;
  whoShareRounds4to6: number | null;
  whichShareRounds4to6: number | null;
  liveBeatsRandomLastTwo: boolean;
  reportField: string | null;
  reportCovers: boolean | null;
} {
  const late = result.rounds.filter((r) => r.round >= 4 && r.round <= 6);
  const oracle = late.reduce((s, r) => s + r.scores.oracleSameCount, 0);
  const bestSame = late.reduce((s, r) => s + r.scores.bestActionSameRequests, 0);
  const live = late.reduce((s, r) => s + r.scores.live, 0);
  const lastTwo = result.rounds.slice(-2);
  return {
    positiveFromRound3: result.rounds.filter((r) => r.round >= 3).every((r) => r.scores.live > 0),
    oracleShareRounds4to6: late.length > 0 && oracle > 0 ? live / oracle : null,
    whoShareRounds4to6: late.length > 0 && oracle > 0 ? bestSame / oracle : null,
    whichShareRounds4to6: late.length > 0 && bestSame > 0 ? live / bestSame : null,
    liveBeatsRandomLastTwo:
      lastTwo.reduce((s, r) => s + r.scores.live, 0) > lastTwo.reduce((s, r) => s + r.scores.randomSameCount, 0),
    reportField: result.report?.field ?? null,
    reportCovers: result.covered,
  };
}
