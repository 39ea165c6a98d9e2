/**
 * IEEE half-precision encoding for shipped weights (tf.io decodes `quantization: {dtype: 'float16'}` itself).
 * Halves the model on disk; embedding weights lose nothing measurable at 3 significant digits.
 */
export function toFloat16(values: Float32Array): Uint16Array {
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    f32[0] = values[i] as number;
    const x = u32[0] as number;
    const sign = (x >>> 16) & 0x8000;
    const exp = (x >>> 23) & 0xff;
    let mant = x & 0x7fffff;
    if (exp === 0xff) {
      out[i] = sign | 0x7c00 | (mant ? 0x200 : 0);
      continue;
    }
    const e = exp - 127 + 15;
    if (e >= 0x1f) {
      out[i] = sign | 0x7c00;
    } else if (e <= 0) {
      if (e < -10) {
        out[i] = sign;
      } else {
        mant = (mant | 0x800000) >>> (1 - e);
        out[i] = sign | ((mant + 0x1000) >>> 13);
      }
    } else {
      // Round to nearest; a mantissa carry correctly bumps the exponent.
      out[i] = (sign | (e << 10) | (mant >>> 13)) + ((mant >>> 12) & 1);
    }
  }
  return out;
}
