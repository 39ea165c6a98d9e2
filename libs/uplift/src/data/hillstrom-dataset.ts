import { readFileSync } from 'node:fs';
import { parseCsv, ValidationError } from '@offerstream/core';

/** The three randomized Hillstrom actions; `none` is the control every uplift is measured against. */
export const HILLSTROM_ACTIONS = ['none', 'mens', 'womens'] as const;
export type HillstromAction = (typeof HILLSTROM_ACTIONS)[number];

export const HILLSTROM_COLUMNS = [
  'recency',
  'history_segment',
  'history',
  'mens',
  'womens',
  'zip_code',
  'newbie',
  'channel',
  'segment',
  'visit',
  'conversion',
  'spend',
] as const;

/** What the decision service knows about a customer before choosing an offer. */
export interface HillstromCustomer {
  readonly recency: number;
  readonly historySegment: string;
  readonly history: number;
  readonly mens: number;
  readonly womens: number;
  readonly zipCode: string;
  readonly newbie: number;
  readonly channel: string;
}

export interface HillstromRecord extends HillstromCustomer {
  readonly action: HillstromAction;
  readonly visit: number;
  readonly conversion: number;
  readonly spend: number;
}

const SEGMENT_TO_ACTION: Readonly<Record<string, HillstromAction>> = {
  'mens e-mail': 'mens',
  'womens e-mail': 'womens',
  'no e-mail': 'none',
};

export function parseHillstromCsv(text: string, source = 'input'): HillstromRecord[] {
  const table = parseCsv(text, { source });
  const index = new Map<string, number>();
  table.header.forEach((h, k) => index.set(h.toLowerCase(), k));
  const missing = HILLSTROM_COLUMNS.filter((c) => !index.has(c));
  if (missing.length > 0) {
    throw new ValidationError(`${source}: missing Hillstrom column(s) ${missing.join(', ')}`, {
      source,
      missing,
      header: table.header,
    });
  }
  const col = (name: (typeof HILLSTROM_COLUMNS)[number]): number => index.get(name) as number;
  const at = {
    recency: col('recency'),
    historySegment: col('history_segment'),
    history: col('history'),
    mens: col('mens'),
    womens: col('womens'),
    zipCode: col('zip_code'),
    newbie: col('newbie'),
    channel: col('channel'),
    segment: col('segment'),
    visit: col('visit'),
    conversion: col('conversion'),
    spend: col('spend'),
  };
  return table.rows.map((row, k) => {
    const line = k + 2;
    const text = (i: number): string => (row[i] ?? '').trim();
    const num = (i: number, name: string): number => {
      const raw = text(i);
      const value = Number(raw);
      if (raw === '' || !Number.isFinite(value)) {
        throw new ValidationError(`${source} row ${line}: ${name} is not a number (${JSON.stringify(raw)})`, {
          source,
          line,
          column: name,
        });
      }
      return value;
    };
    const segment = text(at.segment);
    const action = SEGMENT_TO_ACTION[segment.toLowerCase()];
    if (action === undefined) {
      throw new ValidationError(`${source} row ${line}: unknown segment ${JSON.stringify(segment)}`, {
        source,
        line,
      });
    }
    return {
      recency: num(at.recency, 'recency'),
      historySegment: text(at.historySegment),
      history: num(at.history, 'history'),
      mens: num(at.mens, 'mens'),
      womens: num(at.womens, 'womens'),
      zipCode: text(at.zipCode),
      newbie: num(at.newbie, 'newbie'),
      channel: text(at.channel),
      action,
      visit: num(at.visit, 'visit'),
      conversion: num(at.conversion, 'conversion'),
      spend: num(at.spend, 'spend'),
    };
  });
}

export function loadHillstromCsv(path: string): HillstromRecord[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ValidationError(`cannot read ${path}`, { path }, cause);
  }
  return parseHillstromCsv(text, path);
}
