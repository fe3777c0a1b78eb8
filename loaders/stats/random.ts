/**
 * Seeded pseudo-random numbers for the segmentation engine: xoshiro128** seeded through splitmix32, so the same
 * seed gives the same stream on every platform (only 32-bit integer arithmetic), plus deterministic seed derivation
 * and the two samplers the engine needs.
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

/** A seeded generator (xoshiro128**). */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

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
