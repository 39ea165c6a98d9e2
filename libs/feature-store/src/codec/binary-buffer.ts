/** Minimal binary writer/reader (varints, strings, floats) for the compact state blobs kept in Redis. */
export class BinaryWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(initial = 512) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  uvarint(n: number): this {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`uvarint needs a non-negative integer, got ${n}`);
    this.ensure(10);
    let v = n;
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
    return this;
  }

  u8(n: number): this {
    this.ensure(1);
    this.buf[this.pos++] = n & 0xff;
    return this;
  }

  f32(n: number): this {
    this.ensure(4);
    this.buf.writeFloatLE(n, this.pos);
    this.pos += 4;
    return this;
  }

  f64(n: number): this {
    this.ensure(8);
    this.buf.writeDoubleLE(n, this.pos);
    this.pos += 8;
    return this;
  }

  str(s: string): this {
    const len = Buffer.byteLength(s, 'utf8');
    this.uvarint(len);
    this.ensure(len);
    this.buf.write(s, this.pos, 'utf8');
    this.pos += len;
    return this;
  }

  bytes(b: Buffer): this {
    this.ensure(b.length);
    b.copy(this.buf, this.pos);
    this.pos += b.length;
    return this;
  }

  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

export class BinaryReader {
  pos = 0;
  constructor(private readonly buf: Buffer) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  uvarint(): number {
    let result = 0;
    let mul = 1;
    for (;;) {
      const b = this.buf[this.pos++];
      if (b === undefined) throw new RangeError('truncated varint');
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 0x80;
    }
  }

  u8(): number {
    const b = this.buf[this.pos++];
    if (b === undefined) throw new RangeError('truncated byte');
    return b;
  }

  f32(): number {
    const v = this.buf.readFloatLE(this.pos);
    this.pos += 4;
    return v;
  }

  f64(): number {
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  str(): string {
    const len = this.uvarint();
    const s = this.buf.toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return s;
  }

  bytes(n: number): Buffer {
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
}
