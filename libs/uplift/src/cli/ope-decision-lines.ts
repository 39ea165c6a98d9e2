import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { ValidationError } from '@offerstream/core';
import { decisionRecord, type DecisionRecord } from '@offerstream/contracts';
import type { OpeDecision } from '../ope/ope-decision';

/** Malformed input: the CLI exits 2 on it, naming the line. */
export class OpeInputError extends ValidationError {
  readonly exitCode = 2;
}

export interface DecisionFile {
  readonly decisions: OpeDecision[];
  readonly lines: number;
  /** Decisions whose attribution has not produced a reward yet. */
  readonly skippedWithoutReward: number;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A kcat -J line carries the Kafka value as text in `payload`; the decision event's own payload is the record. */
function unwrap(line: Json, where: string): Json[] {
  if (!('payload' in line) || 'decisionId' in line) return [line];
  let event: unknown = line['payload'];
  if (typeof event === 'string') {
    try {
      event = JSON.parse(event);
    } catch {
      throw new OpeInputError(`${where}: the envelope's payload is not JSON`);
    }
  }
  if (!isObject(event) || !isObject(event['payload']))
    throw new OpeInputError(`${where}: the envelope's payload is not a decision event`);
  return [event['payload'], event, line];
}

/** First value of `key` found on the record, then its event, then the kcat envelope. */
function lookup(layers: readonly Json[], key: string): unknown {
  for (const layer of layers) if (layer[key] !== undefined && layer[key] !== null) return layer[key];
  return undefined;
}

/**
 * The logging policy's full distribution, when every candidate carries its probability and they agree with the record.
 */
function loggingProbabilities(record: DecisionRecord): Record<string, number> | undefined {
  const probs = record.candidates.map((c) => [c.action, c.probability] as const);
  if (probs.length === 0 || probs.some(([, p]) => p === undefined)) return undefined;
  const dist = Object.fromEntries(probs) as Record<string, number>;
  const total = Object.values(dist).reduce((s, p) => s + p, 0);
  const logged = dist[record.action];
  return Math.abs(total - 1) < 1e-3 && logged !== undefined && Math.abs(logged - record.probability) < 1e-6
    ? dist
    : undefined;
}

/** One line as a decision, `null` when it has no reward yet; throws OpeInputError naming the line otherwise. */
export function parseDecisionLine(text: string, where: string): OpeDecision | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new OpeInputError(`${where}: not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!isObject(raw)) throw new OpeInputError(`${where}: expected a JSON object`);
  const layers = unwrap(raw, where);
  const parsed = decisionRecord.safeParse(layers[0]);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new OpeInputError(
      `${where}: not a decision record (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'})`,
    );
  }
  const record = parsed.data;
  const reward = lookup(layers, 'reward');
  if (reward === undefined) return null;
  if (typeof reward !== 'number' || !Number.isFinite(reward))
    throw new OpeInputError(`${where}: reward must be a finite number`);
  const features = lookup(layers, 'features');
  if (!Array.isArray(features) || !features.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new OpeInputError(`${where}: features must be an array of finite numbers`);
  }
  const segment = lookup(layers, 'segment');
  if (segment !== undefined && typeof segment !== 'string')
    throw new OpeInputError(`${where}: segment must be a string`);
  const logging = loggingProbabilities(record);
  return {
    context: features as number[],
    action: record.action,
    propensity: record.probability,
    reward,
    available: [...new Set([...record.candidates.map((c) => c.action), record.action])],
    ...(logging ? { loggingProbabilities: logging } : {}),
    ...(segment === undefined ? {} : { segment }),
  };
}

/** Reads a JSON-lines file of decisions; every decision must have as many features as the first. */
export async function readDecisionFile(
  path: string,
  onProgress: (lines: number) => void = () => undefined,
): Promise<DecisionFile> {
  const decisions: OpeDecision[] = [];
  let lines = 0;
  let skippedWithoutReward = 0;
  const input = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const text of input) {
    lines++;
    if (lines % 100_000 === 0) onProgress(lines);
    if (text.trim() === '') continue;
    const where = `${path}:${lines}`;
    const d = parseDecisionLine(text, where);
    if (d === null) {
      skippedWithoutReward++;
      continue;
    }
    const first = decisions[0];
    if (first && first.context.length !== d.context.length) {
      throw new OpeInputError(`${where}: ${d.context.length} features, the first decision has ${first.context.length}`);
    }
    decisions.push(d);
  }
  return { decisions, lines, skippedWithoutReward };
}
