import { parseCsv, ValidationError } from '@offerstream/core';
import { parseTextDataset } from './text-dataset';

describe('CSV and TSV review datasets', () => {
  it('parses quoted fields with commas, newlines and doubled quotes', () => {
    const { header, rows } = parseCsv('a,b,c\r\n1,"x, y","say ""hi""\nbye"\n2,,plain\n');
    expect(header).toEqual(['a', 'b', 'c']);
    expect(rows).toEqual([
      ['1', 'x, y', 'say "hi"\nbye'],
      ['2', '', 'plain'],
    ]);
  });

  it('drops a byte-order mark and keeps a last line without newline', () => {
    expect(parseCsv('\ufeffcat,label,review\nphone,1,good')).toEqual({
      header: ['cat', 'label', 'review'],
      rows: [['phone', '1', 'good']],
    });
  });

  it('reads a CSV with a cat,label,review header in any column order', () => {
    const ds = parseTextDataset('\ufeffreview,label,cat\n"great, really",1,phone\n"bad\nline",0,hotel\n');
    expect(ds.format).toBe('csv');
    expect(ds.hasCategory).toBe(true);
    expect(ds.rows).toEqual([
      { text: 'great, really', sentiment: '1', category: 'phone' },
      { text: 'bad\nline', sentiment: '0', category: 'hotel' },
    ]);
    expect(ds.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reads tab-separated sentence/label lines without header', () => {
    const ds = parseTextDataset('Good case, Excellent value.\t1\r\nBad "quoted" thing\t0\n\n');
    expect(ds.format).toBe('tsv');
    expect(ds.hasCategory).toBe(false);
    expect(ds.rows.map((r) => [r.text, r.sentiment])).toEqual([
      ['Good case, Excellent value.', '1'],
      ['Bad "quoted" thing', '0'],
    ]);
  });

  it('rejects labels other than 1/0 and lines that fit neither format', () => {
    expect(() => parseTextDataset('label,review\n2,x\n')).toThrow(ValidationError);
    expect(() => parseTextDataset('just a line without tab\n')).toThrow(ValidationError);
  });
});
