import { parseCommandFlags, ValidationError } from '@offerstream/core';
import { kindCeiling, type KindCeiling } from './kind-ceiling';
import type { SimulatedDecision } from './policy-replay';
import { segmentCeiling, type SegmentCeiling } from './segment-ceiling';
import { loadMarket, readSimulationLog } from './sim-files';

const USAGE = `usage: npm run evaluate -- sim-ceiling --log FILE [--config MARKET.json] [--fit-rounds 3]
  --log FILE     a decision log written by npm run simulate -- --out FILE
  --config FILE  the market it came from, for its kinds' true responses (default: the team's market)
Prints the kind ceiling, as "estimated" the same with each kind's response counted from the log, and as "segments"
  the ceiling of the segments the service fits on the same rounds (its "estimated": their responses counted).`;

/** `npm run evaluate -- sim-ceiling`: the ceiling above on a file; undefined after printing --help. */
export function runKindCeiling(argv: string[]): Promise<(KindCeiling & { segments?: SegmentCeiling }) | undefined> {
  const flags = parseCommandFlags(
    argv,
    { log: { type: 'string' }, config: { type: 'string' }, 'fit-rounds': { type: 'string', default: '3' } },
    USAGE,
  );
  if (flags === null) return Promise.resolve(undefined);
  if (typeof flags.log !== 'string') throw new ValidationError(`--log FILE is required\n${USAGE}`);
  const fitRounds = Number(flags['fit-rounds']);
  if (!Number.isInteger(fitRounds) || fitRounds < 1) throw new ValidationError('--fit-rounds must be an integer >= 1');
  const market = loadMarket(flags.config);
  const lines = readSimulationLog<SimulatedDecision>(flags.log);
  const segments = segmentCeiling(lines, market, fitRounds);
  return Promise.resolve({ ...kindCeiling(lines, market, fitRounds), ...(segments ? { segments } : {}) });
}
