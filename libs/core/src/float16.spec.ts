import { fromFloat16, roundFloat16, toFloat16, toFloat16Array } from './float16';

describe('float16', () => {
  it('encodes exact values to their IEEE half bits', () => {
    expect(toFloat16(1)).toBe(0x3c00);
    expect(toFloat16(-2)).toBe(0xc000);
    expect(toFloat16(65504)).toBe(0x7bff);
    expect(toFloat16(1e6)).toBe(0x7c00);
    expect(toFloat16(2 ** -24)).toBe(0x0001);
  });

  it('rounds a tie to the even mantissa, not up', () => {
    expect(toFloat16(1 + 2 ** -11)).toBe(0x3c00);
    expect(toFloat16(1 + 3 * 2 ** -11)).toBe(0x3c02);
  });

  it('decodes what it encodes within half-precision error', () => {
    for (const x of [0.1, -3.75, 1234.5, 0.001])
      expect(Math.abs(fromFloat16(toFloat16(x)) - x)).toBeLessThanOrEqual(Math.abs(x) * 2 ** -11);
  });

  it('encodes an array with the same rounding as single values', () => {
    const values = new Float32Array([0.1, 1 + 2 ** -11, -7.3]);
    expect(Array.from(toFloat16Array(values))).toEqual(Array.from(values, (v) => toFloat16(v)));
    expect(Array.from(roundFloat16(values))).toEqual(Array.from(values, (v) => fromFloat16(toFloat16(v))));
  });
});
