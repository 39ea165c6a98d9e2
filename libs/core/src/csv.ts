import { CsvError, parse } from 'csv-parse/sync';
import { ValidationError } from './offerstream.error';

export interface CsvTable {
  /** Column names, trimmed. */
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

export interface CsvOptions {
  readonly separator?: string;
  /** Names the input (a file path) in error messages. */
  readonly source?: string;
}

/**
 * RFC 4180 through csv-parse: quoted fields with separators, doubled quotes and line breaks, a leading BOM, and
 * LF / CRLF / lone CR line endings. Blank lines are skipped because exported files often end with several. A stray
 * quote or a row whose width differs from the header is rejected with its line number, since silently shifting
 * columns would corrupt every later field.
 */
export function parseCsv(text: string, options: CsvOptions = {}): CsvTable {
  const source = options.source ?? 'CSV';
  let records: string[][];
  try {
    records = parse(text, {
      delimiter: options.separator ?? ',',
      bom: true,
      record_delimiter: ['\r\n', '\n', '\r'],
      skip_empty_lines: true,
      relax_column_count: false,
    });
  } catch (cause) {
    if (!(cause instanceof CsvError)) throw cause;
    const line = typeof cause.lines === 'number' ? cause.lines : undefined;
    const reason = csvErrorReason(cause);
    throw new ValidationError(`${source} line ${line ?? '?'}: ${reason}`, { source, line, code: cause.code }, cause);
  }
  const [header, ...rows] = records;
  if (header === undefined) throw new ValidationError(`${source} is empty: no header row`, { source });
  return { header: header.map((h) => h.trim()), rows };
}

/** csv-parse's codes in the words of the file's author; its messages repeat the line number we already give. */
function csvErrorReason(error: CsvError): string {
  switch (error.code as string) {
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH': {
      const [, expected, got] = /expect (\d+), got (\d+)/.exec(error.message) ?? [];
      return `expected ${expected ?? '?'} fields, got ${got ?? '?'}`;
    }
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'unterminated quoted field';
    case 'INVALID_OPENING_QUOTE':
      return 'quote inside an unquoted field';
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'text after a closing quote';
    default:
      return error.message;
  }
}
