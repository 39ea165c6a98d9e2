import { ValidationError } from '@offerstream/core';
import { parseHillstromCsv } from './hillstrom-dataset';

const HEADER = 'recency,history_segment,history,mens,womens,zip_code,newbie,channel,segment,visit,conversion,spend';

describe('parseHillstromCsv', () => {
  it('maps segments to actions and parses quoted history segments with commas', () => {
    const text = `\uFEFF${HEADER}\r\n10,"7) $1,000 +",1200.5,1,1,Urban,0,Web,Womens E-Mail,1,1,35.5\r\n2,"1) $0 - $100",29.99,1,0,Surburban,1,Phone,No E-Mail,0,0,0\r\n`;
    const rows = parseHillstromCsv(text);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      recency: 10,
      historySegment: '7) $1,000 +',
      history: 1200.5,
      action: 'womens',
      visit: 1,
      spend: 35.5,
    });
    expect(rows[1]?.action).toBe('none');
  });

  it('throws a ValidationError that lists every missing column', () => {
    const text = 'recency,history,segment,visit\n1,2,Mens E-Mail,0\n';
    try {
      parseHillstromCsv(text, 'bad.csv');
      throw new Error('expected a ValidationError');
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      const v = error as ValidationError;
      expect(v.message).toContain('bad.csv');
      expect(v.context['missing']).toEqual([
        'history_segment',
        'mens',
        'womens',
        'zip_code',
        'newbie',
        'channel',
        'conversion',
        'spend',
      ]);
    }
  });

  it('rejects an unknown segment and a non-numeric outcome with the row number', () => {
    expect(() => parseHillstromCsv(`${HEADER}\n1,x,2,1,0,Urban,0,Web,Both E-Mails,0,0,0\n`)).toThrow(
      /row 2: unknown segment/,
    );
    expect(() => parseHillstromCsv(`${HEADER}\n1,x,2,1,0,Urban,0,Web,No E-Mail,yes,0,0\n`)).toThrow(
      /row 2: visit is not a number/,
    );
  });
});
