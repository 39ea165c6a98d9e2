import { ValidationError } from '@offerstream/core';

export interface CsvTable {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/**
 * RFC 4180 parser: quoted fields with embedded separators, doubled quotes and line breaks, a leading UTF-8
 * BOM, and LF / CRLF / lone CR line endings. Blank lines are skipped because exported files often end with
 * several. A row whose width differs from the header is rejected with its line number, since silently
 * shifting columns would corrupt every later feature.
 */
export function parseCsv(text: string, separator = ','): CsvTable {
  const records: string[][] = [];
  const lines: number[] = [];
  let field = '';
  let record: string[] = [];
  let inQuotes = false;
  let fieldWasQuoted = false;
  let line = 1;
  let recordLine = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;

  const endRecord = (): void => {
    record.push(field);
    const blank = record.length === 1 && record[0] === '' && !fieldWasQuoted;
    if (!blank) {
      records.push(record);
      lines.push(recordLine);
    }
    record = [];
    field = '';
    fieldWasQuoted = false;
  };

  while (i < n) {
    const c = text[i] as string;
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
        i++;
        continue;
      }
      if (c === '\n') line++;
      field += c;
      i++;
      continue;
    }
    if (c === '"') {
      if (field.length > 0) {
        throw new ValidationError(`CSV line ${line}: quote inside an unquoted field`, { line });
      }
      inQuotes = true;
      fieldWasQuoted = true;
      i++;
      continue;
    }
    if (c === separator) {
      record.push(field);
      field = '';
      fieldWasQuoted = false;
      i++;
      continue;
    }
    if (c === '\r' || c === '\n') {
      endRecord();
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      recordLine = line;
      continue;
    }
    if (fieldWasQuoted) {
      throw new ValidationError(`CSV line ${line}: text after a closing quote`, { line });
    }
    field += c;
    i++;
  }
  if (inQuotes) throw new ValidationError(`CSV: unterminated quoted field starting on line ${recordLine}`);
  if (field.length > 0 || record.length > 0 || fieldWasQuoted) endRecord();

  const header = records.shift();
  lines.shift();
  if (header === undefined) throw new ValidationError('CSV is empty: no header row');
  const cleanHeader = header.map((h) => h.trim());
  records.forEach((r, k) => {
    if (r.length !== cleanHeader.length) {
      throw new ValidationError(
        `CSV line ${lines[k] ?? '?'}: expected ${cleanHeader.length} fields, got ${r.length}`,
        { line: lines[k], expected: cleanHeader.length, got: r.length },
      );
    }
  });
  return { header: cleanHeader, rows: records };
}
