/**
 * A small seeded pseudo-random number generator for the demo data: sfc32 (Chris Doty-Humphrey's "small fast
 * counting" generator, 128-bit state, passes PractRand), seeded through splitmix32 so that nearby seeds give
 * unrelated streams. Everything the demo generator draws goes through one of these, never Math.random, so a
 * seed always gives the same files.
 */

/** splitmix32: one step of a 32-bit mixing function, used to expand a seed into state words. */
function splitmix32(state: number): [next: number, output: number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [next, (z ^ (z >>> 16)) >>> 0];
}

/** Hashes a string label into 32 bits (FNV-1a), to derive independent streams from one seed. */
export function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * A seeded random stream (sfc32). `new Rng(42)` always yields the same sequence.
 * @example
 * const rng = new Rng(42);
 * rng.int(1, 6); // a die roll, the same one for every run with seed 42
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  /** a cached second normal deviate from the Box-Muller pair */
  private spare: number | null = null;

  constructor(seed: number) {
    let s = seed | 0;
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [next, out] = splitmix32(s);
      s = next;
      words.push(out);
    }
    [this.a, this.b, this.c, this.d] = words;
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /** An independent stream for a named purpose, so that drawing more in one part does not shift another. */
  fork(label: string): Rng {
    return new Rng((this.uint32() ^ hashLabel(label)) | 0);
  }

  /** The next 32-bit unsigned integer. */
  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Uniform integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty array, uniformly. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** An index drawn with probability proportional to `weights` (linear scan; for short lists). */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let u = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i];
      if (u < 0) return i;
    }
    return weights.length - 1;
  }

  /** A standard normal deviate (Box-Muller). */
  normal(): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return z;
    }
    const u = 1 - this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** A log-normal deviate with the given median and log-scale spread. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** Number of failures before the first success, success probability p (mean (1 - p) / p). */
  geometric(p: number): number {
    return Math.floor(Math.log(1 - this.next()) / Math.log(1 - p));
  }

  /** Shuffles `items` in place (Fisher-Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }
}

/**
 * Cumulative weights for fast repeated weighted draws with {@link drawCumulative}.
 * @example
 * const cum = cumulative([1, 3]); // [1, 4]
 */
export function cumulative(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  for (let i = 0; i < weights.length; i++) out[i] = sum += weights[i];
  return out;
}

/**
 * An index in [from, to) drawn with probability proportional to its weight, by binary search over
 * cumulative weights. Returns -1 when the range has no weight.
 */
export function drawCumulative(rng: Rng, cum: Float64Array, from = 0, to = cum.length): number {
  const base = from > 0 ? cum[from - 1] : 0;
  const total = cum[to - 1] - base;
  if (!(total > 0)) return -1;
  const u = base + rng.next() * total;
  let lo = from;
  let hi = to - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cum[mid] > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
