/**
 * The counted resample medians (stats/resampled-median.ts) and the bulk draws (Rng.ints) against the resamples
 * built value by value: the same draws and the same bits, ties, odd and even sizes, and the values rank refuses.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { medianInPlace } from "../../loaders/stats/quantile.ts";
import { Rng } from "../../loaders/stats/random.ts";
import { medianOfCounts, rank } from "../../loaders/stats/resampled-median.ts";

/** Samples with many ties (whole units), with few, of odd and even sizes, and of one value. */
function samples(): Float64Array[] {
  const rng = new Rng(5);
  return [
    Float64Array.from({ length: 301 }, () => 1 + rng.int(12)),
    Float64Array.from({ length: 400 }, () => Math.round(Math.exp(6 * rng.next()) * 100) / 100),
    Float64Array.from({ length: 2 }, () => rng.next()),
    Float64Array.of(3.5),
    Float64Array.from({ length: 50 }, () => -rng.next()),
  ];
}

test("Rng.ints: the numbers int(n) gives, in order, and the generator left where int(n) leaves it", () => {
  for (const seed of [1, 42, -7, 123456789])
    for (const n of [1, 2, 3, 4338, 100_000, 2 ** 31]) {
      const one = new Rng(seed);
      const bulk = new Rng(seed);
      const out = bulk.ints(n, new Int32Array(3000));
      for (let i = 0; i < out.length; i++) assert.equal(out[i], one.int(n), `seed ${seed}, n ${n}, draw ${i}`);
      assert.equal(bulk.uint32(), one.uint32(), "state after the draws");
    }
  assert.doesNotThrow(() => new Rng(1).ints(0, new Int32Array(0)), "no draws need no range");
  assert.throws(() => new Rng(1).ints(0, new Int32Array(1)), RangeError);
});

test("counted medians: rank and medianOfCounts over a resample's draws give its medianInPlace, to the bit", () => {
  for (const values of samples()) {
    const ranked = rank(values);
    assert.ok(ranked);
    const n = values.length;
    const a = new Rng(9);
    const b = new Rng(9);
    const sample = new Float64Array(n);
    const drawn = new Int32Array(n);
    const counts = new Int32Array(ranked.distinct.length);
    for (let r = 0; r < 200; r++) {
      for (let i = 0; i < n; i++) sample[i] = values[a.int(n)];
      b.ints(n, drawn);
      counts.fill(0);
      for (let i = 0; i < n; i++) counts[ranked.codes[drawn[i]]]++;
      assert.ok(Object.is(medianOfCounts(counts, ranked.distinct, n), medianInPlace(sample)), `n ${n}, resample ${r}`);
    }
  }
});

test("medianOfCounts: the median of the counted values; NaN for none", () => {
  const { distinct, codes } = rank([5, 1, 5, 2, 9, 1])!;
  assert.deepEqual([...distinct], [1, 2, 5, 9]);
  assert.deepEqual([...codes], [2, 0, 2, 1, 3, 0]);
  // 1, 1, 2, 5, 5, 9: the middle two are 2 and 5
  assert.equal(medianOfCounts(Int32Array.of(2, 1, 2, 1), distinct, 6), 3.5);
  // 1, 5, 5: the middle value; 2, 9: their midpoint, past the values not drawn
  assert.equal(medianOfCounts(Int32Array.of(1, 0, 2, 0), distinct, 3), 5);
  assert.equal(medianOfCounts(Int32Array.of(0, 1, 0, 1), distinct, 2), 5.5);
  assert.ok(Number.isNaN(medianOfCounts(new Int32Array(4), distinct, 0)));
});

test("rank: none for a NaN or a negative zero (their order in a selection is not the ranks')", () => {
  assert.equal(rank([1, NaN, 2]), null);
  assert.equal(rank([1, -0, 0]), null);
  assert.ok(rank([1, 0, 0]));
});
