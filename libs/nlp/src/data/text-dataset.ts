import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { parseCsv, ValidationError } from '@offerstream/core';

export interface LabelledText {
  readonly text: string;
  /** '1' positive / '0' negative. */
  readonly sentiment: string;
  /** Product category when the source has one. */
  readonly category?: string;
}

export interface TextDataset {
  readonly rows: LabelledText[];
  readonly format: 'csv' | 'tsv';
  readonly hasCategory: boolean;
  readonly sha256: string;
}

/**
 * A header line naming `label` and `review` means CSV; otherwise every line must be `sentence<TAB>label`
 * (the UCI sentiment-sentences layout).
 */
export function parseTextDataset(content: string, source = 'input'): TextDataset {
  const sha256 = createHash('sha256').update(content).digest('hex');
  const body = content.charCodeAt(0) === 0xfeff ? content.slice(1) : content;
  const firstLine = (body.split(/\r?\n/, 1)[0] ?? '').toLowerCase();
  // A plain split: a TSV first line may hold quotes that are not CSV quoting.
  const headerCells = firstLine.split(',').map((c) => c.trim());
  if (headerCells.includes('label') && headerCells.includes('review')) {
    return { ...parseCsvRows(body, source), sha256 };
  }
  return { ...parseTsvRows(body, source), sha256 };
}

export function loadTextDataset(file: string): TextDataset {
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ValidationError(`cannot read dataset ${file}`, { file }, cause);
  }
  return parseTextDataset(content, file);
}

function normalizeLabel(raw: string, source: string, line: number): string {
  const v = raw.trim();
  if (v === '1' || v === '0') return v;
  throw new ValidationError(`${source}: label must be 1 or 0 at record ${line}, got ${JSON.stringify(raw)}`, {
    source,
    line,
  });
}

function parseCsvRows(body: string, source: string): Omit<TextDataset, 'sha256'> {
  const table = parseCsv(body, { source });
  const header = table.header.map((c) => c.toLowerCase());
  const labelCol = header.indexOf('label');
  const reviewCol = header.indexOf('review');
  const catCol = header.indexOf('cat');
  const rows: LabelledText[] = [];
  for (const [k, rec] of table.rows.entries()) {
    const r = k + 1;
    // parseCsv has checked every record's width against the header.
    const text = rec[reviewCol] as string;
    const label = rec[labelCol] as string;
    const cat = catCol >= 0 ? rec[catCol]?.trim() : undefined;
    rows.push({
      text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text,
      sentiment: normalizeLabel(label, source, r),
      ...(cat ? { category: cat } : {}),
    });
  }
  if (rows.length === 0) throw new ValidationError(`${source}: no records`, { source });
  return { rows, format: 'csv', hasCategory: catCol >= 0 && rows.every((r) => r.category !== undefined) };
}

function parseTsvRows(body: string, source: string): Omit<TextDataset, 'sha256'> {
  const rows: LabelledText[] = [];
  const lines = body.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const tab = line.lastIndexOf('\t');
    if (tab < 0) {
      throw new ValidationError(
        `${source}: line ${i + 1} is neither CSV with a label,review header nor sentence<TAB>label`,
        { source, line: i + 1 },
      );
    }
    rows.push({ text: line.slice(0, tab), sentiment: normalizeLabel(line.slice(tab + 1), source, i + 1) });
  });
  if (rows.length === 0) throw new ValidationError(`${source}: no records`, { source });
  return { rows, format: 'tsv', hasCategory: false };
}
