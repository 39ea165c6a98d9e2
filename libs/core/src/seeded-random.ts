/**
 * mulberry32: a tiny, fast PRNG that gives the same sequence on every platform, so one seed fixes splits, samples,
 * k-means seeding, negative sampling, Thompson draws and generated test data everywhere. Math.random cannot be
 * seeded.
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
   * Standard normal. The second Box-Muller value is deliberately not cached, so the whole generator state is the
   * single integer in `snapshot` and a restored bandit continues the same stream.
   */
  gaussian(): number {
    return gaussian(() => this.next());
  }

  shuffle<T>(items: T[]): T[] {
    return shuffleInPlace(items, () => this.next());
  }

  /** The PRNG position, so a bandit can persist and resume its random stream. */
  get snapshot(): number {
    return this.state;
  }
}

/** A uniform [0, 1) source; `seededRandom` makes a reproducible one. */
export type Rng = () => number;

export function seededRandom(seed: number): Rng {
  const rng = new SeededRandom(seed);
  return () => rng.next();
}

/** Standard normal draw by Box-Muller, one value per call; a zero draw is redrawn since log(0) is infinite. */
export function gaussian(rng: Rng): number {
  let u = 0;
  while (u <= Number.EPSILON) u = rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Fisher-Yates in place; returns its argument. */
export function shuffleInPlace<A extends { length: number; [i: number]: unknown }>(items: A, rng: Rng): A {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const tmp = items[i];
    items[i] = items[j];
    items[j] = tmp;
  }
  return items;
}
