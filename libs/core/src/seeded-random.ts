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
