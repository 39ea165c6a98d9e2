import { ValidationError } from './offerstream.error';
import { parseCommandFlags, positiveIntFlag } from './command-line';

const options = { train: { type: 'string' }, n: { type: 'string', default: '5' } } as const;

describe('parseCommandFlags', () => {
  it('returns typed values with defaults', () => {
    expect(parseCommandFlags(['--train', 'a.csv'], options, 'usage')).toEqual({ train: 'a.csv', n: '5' });
  });

  it('prints the usage and returns null on --help', () => {
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(parseCommandFlags(['--train', 'x', '--help'], options, 'usage: cmd\n')).toBeNull();
      expect(write).toHaveBeenCalledWith('usage: cmd\n');
    } finally {
      write.mockRestore();
    }
  });

  it('refuses an unknown flag, a missing value and a positional with a pointer to --help', () => {
    for (const argv of [['--bogus', '1'], ['--train'], ['file.csv']]) {
      expect(() => parseCommandFlags(argv, options, 'usage')).toThrow(ValidationError);
      expect(() => parseCommandFlags(argv, options, 'usage')).toThrow(/see --help/);
    }
  });
});

describe('positiveIntFlag', () => {
  it('accepts a positive integer, passes absence through and names a bad flag', () => {
    expect(positiveIntFlag('12', 'n')).toBe(12);
    expect(positiveIntFlag(undefined, 'n')).toBeUndefined();
    expect(() => positiveIntFlag('0', 'n')).toThrow(/--n must be a positive integer, got 0/);
    expect(() => positiveIntFlag('2.5', 'n')).toThrow(ValidationError);
  });
});
