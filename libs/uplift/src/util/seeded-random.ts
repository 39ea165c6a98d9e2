/**
 * Small deterministic PRNG (mulberry32) so splits, subsampling and Thompson draws are reproducible from a
 * seed; Math.random cannot be seeded.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /**
   * Standard normal via Box-Muller. The second value is deliberately not cached, so the whole generator
   * state is the single integer in `snapshot` and a restored bandit continues the same stream.
   */
  gaussian(): number {
    let u = 0;
    while (u <= Number.EPSILON) u = this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }

  /** The PRNG position, so a bandit can persist and resume its random stream. */
  get snapshot(): number {
    return this.state;
  }
}
