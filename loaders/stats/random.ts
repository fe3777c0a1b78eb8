/**
 * The project's one seeded pseudo-random generator, for the clustering and the demo data alike: xoshiro128** seeded
 * through splitmix32, so the same seed gives the same stream on every platform (only 32-bit integer arithmetic);
 * deterministic seed derivation (`deriveSeed` by numbers, `fork` by a label), the samplers the clustering needs, and
 * the draws the demo generator makes (uniform, normal, log-normal, geometric, weighted, shuffles). Nothing in the
 * project draws from Math.random.
 */

/** One round of splitmix32: a well-mixed 32-bit value from a 32-bit state. */
function splitmix32(state: number): number {
  let z = (state + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * Derives a child seed from a parent seed and a path of integers (e.g. `deriveSeed(42, k, restart)`), so every
 * restart, k and bootstrap run gets its own independent, reproducible stream.
 * @example deriveSeed(42, 3, 0) === deriveSeed(42, 3, 0) // always
 */
export function deriveSeed(seed: number, ...path: number[]): number {
  let h = splitmix32(seed | 0);
  for (const part of path) h = splitmix32((h ^ Math.imul(part | 0, 0x27d4eb2d)) | 0);
  return h;
}

/** Hashes a string label into 32 bits (FNV-1a), to derive independent streams from one seed. */
export function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * A seeded generator (xoshiro128**). `new Rng(42)` always yields the same sequence.
 * @example
 * const rng = new Rng(42);
 * rng.between(1, 6); // a die roll, the same one for every run with seed 42
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
    const next = () => (s = splitmix32(s) | 0);
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  /** The next 32-bit unsigned integer. */
  uint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9);
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result >>> 0;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.uint32() >>> 5;
    const lo = this.uint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A uniform integer in [0, n): floor of a 53-bit uniform (bias below 2^-20 for n up to 2^32). */
  int(n: number): number {
    if (n <= 0) throw new RangeError(`Rng.int: n must be positive, got ${n}`);
    return Math.floor(this.next() * n);
  }

  /**
   * Fills `out` with `out.length` draws of `int(n)` (n at most 2^31), in order: the same numbers as calling
   * `int(n)` that often, with the generator's state kept in locals (bootstraps draw millions).
   */
  ints(n: number, out: Int32Array): Int32Array {
    if (out.length && n <= 0) throw new RangeError(`Rng.ints: n must be positive, got ${n}`);
    let { a, b, c, d } = this;
    for (let i = 0; i < out.length; i++) {
      // two uint32() steps, as next() takes them
      const r1 = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
      let t = b << 9;
      c ^= a;
      d ^= b;
      b ^= c;
      a ^= d;
      c ^= t;
      d = rotl(d, 11);
      const r2 = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
      t = b << 9;
      c ^= a;
      d ^= b;
      b ^= c;
      a ^= d;
      c ^= t;
      d = rotl(d, 11);
      out[i] = Math.floor((((r1 >>> 5) * 67108864 + (r2 >>> 6)) / 9007199254740992) * n);
    }
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
    return out;
  }

  /** An independent stream for a named purpose, so that drawing more in one part does not shift another. */
  fork(label: string): Rng {
    return new Rng((this.uint32() ^ hashLabel(label)) | 0);
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** A uniform integer in [lo, hi], both inclusive. */
  between(lo: number, hi: number): number {
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

  /**
   * A Gamma(shape, 1) deviate (Marsaglia and Tsang 2000; a shape below 1 is boosted by U^(1/shape)). Draws from
   * `next` and `normal` only, so a seed gives the same deviates everywhere.
   */
  gamma(shape: number): number {
    if (!(shape > 0)) throw new RangeError(`Rng.gamma: shape must be positive, got ${shape}`);
    if (shape < 1) return this.gamma(shape + 1) * Math.pow(1 - this.next(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const z = this.normal();
      const v0 = 1 + c * z;
      if (v0 <= 0) continue;
      const v = v0 * v0 * v0;
      const u = 1 - this.next();
      if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
    }
  }

  /** A Beta(a, b) deviate, as Gamma(a) / (Gamma(a) + Gamma(b)). */
  beta(a: number, b: number): number {
    const x = this.gamma(a);
    return x / (x + this.gamma(b));
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

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * `size` distinct indices of 0..n-1, drawn without replacement (partial Fisher-Yates), in draw order.
 * With size >= n this is a seeded permutation of all indices.
 */
export function sampleWithoutReplacement(n: number, size: number, rng: Rng): Int32Array {
  const m = Math.min(size, n);
  const pool = new Int32Array(n);
  for (let i = 0; i < n; i++) pool[i] = i;
  for (let i = 0; i < m; i++) {
    const j = i + rng.int(n - i);
    const t = pool[i];
    pool[i] = pool[j];
    pool[j] = t;
  }
  return pool.slice(0, m);
}

/** `size` indices of 0..n-1 drawn with replacement (a bootstrap resample). */
export function sampleWithReplacement(n: number, size: number, rng: Rng): Int32Array {
  const out = new Int32Array(size);
  for (let i = 0; i < size; i++) out[i] = rng.int(n);
  return out;
}
