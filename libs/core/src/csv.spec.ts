import { ValidationError } from './offerstream.error';
import { parseCsv } from './csv';

describe('parseCsv', () => {
  it('reads quoted fields with separators, doubled quotes and line breaks inside them', () => {
    const t = parseCsv('a,b,c\n"x, y","say ""hi""","two\nlines"\n');
    expect(t.header).toEqual(['a', 'b', 'c']);
    expect(t.rows).toEqual([['x, y', 'say "hi"', 'two\nlines']]);
  });

  it('strips a UTF-8 byte order mark and accepts CRLF and lone CR line endings', () => {
    const t = parseCsv('\uFEFFa,b\r\n1,2\r\n3,4\r5,6');
    expect(t.header).toEqual(['a', 'b']);
    expect(t.rows).toEqual([
      ['1', '2'],
      ['3', '4'],
      ['5', '6'],
    ]);
  });

  it('skips blank lines but keeps an explicitly quoted empty field', () => {
    const t = parseCsv('a\n\n""\n\n\n');
    expect(t.rows).toEqual([['']]);
  });

  it('keeps empty trailing fields', () => {
    expect(parseCsv('a,b,c\n1,,\n').rows).toEqual([['1', '', '']]);
  });

  it('rejects a row with the wrong number of fields and names its line', () => {
    expect(() => parseCsv('a,b\n1,2\n3\n')).toThrow(/line 3: expected 2 fields, got 1/);
  });

  it('rejects an unterminated quote and stray quotes', () => {
    expect(() => parseCsv('a\n"open\n')).toThrow(ValidationError);
    expect(() => parseCsv('a\nab"c\n')).toThrow(ValidationError);
    expect(() => parseCsv('a\n"ab"c\n')).toThrow(ValidationError);
    expect(() => parseCsv('a,b\n1,2\n3,x"y"\n', { source: 'f.csv' })).toThrow(
      /^f.csv line 3: quote inside an unquoted field$/,
    );
    expect(() => parseCsv('a\n1\n"open\n')).toThrow(/line 3: unterminated quoted field/);
  });

  it('rejects an empty file', () => {
    expect(() => parseCsv('')).toThrow(/empty/);
  });
});
