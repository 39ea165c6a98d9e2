import { randomBytes } from 'node:crypto';

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

/**
 * Gamma(shape, 1) draw by Marsaglia and Tsang's squeeze method; a shape below 1 is boosted by U^(1/shape), which
 * keeps the draw exact for the small posterior counts of a new arm.
 */
export function gammaDraw(rng: Rng, shape: number): number {
  if (shape < 1) {
    let u = 0;
    while (u <= Number.EPSILON) u = rng();
    return gammaDraw(rng, shape + 1) * Math.pow(u, 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = gaussian(rng);
    const v = (1 + c * x) ** 3;
    if (v <= 0) continue;
    const u = rng();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(Math.max(u, Number.MIN_VALUE)) < 0.5 * x * x + d * (1 - v + Math.log(v)))
      return d * v;
  }
}

/** Beta(a, b) draw as X/(X+Y) of two gamma draws: the Thompson draw of a rate with a Beta posterior. */
export function betaDraw(rng: Rng, a: number, b: number): number {
  const x = gammaDraw(rng, a);
  const y = gammaDraw(rng, b);
  return x + y > 0 ? x / (x + y) : a / (a + b);
}

/**
 * Laplace(0, scale) draw by inverting the CDF: variance 2·scale². The differential-privacy noise of exported
 * reports; `rng` must then be unpredictable (see secureRandom), since whoever can replay the draws can subtract them.
 */
export function laplace(rng: Rng, scale: number): number {
  let u = 0;
  while (u === 0 || Math.abs(u) >= 0.5) u = rng() - 0.5;
  return -scale * Math.sign(u) * Math.log(1 - 2 * Math.abs(u));
}

/**
 * A uniform [0, 1) source from the operating system's CSPRNG (53 random bits per draw), for noise that must not be
 * reproducible: a 32-bit seed of SeededRandom can be found by trying all 2^32 against a few published values.
 */
export const secureRandom: Rng = () => Number(randomBytes(8).readBigUInt64LE(0) & ((1n << 53n) - 1n)) / 2 ** 53;

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
