/** Wilson intervals against scipy (test/fixtures/intervals/make_expected.py); the bootstrap's determinism and sense. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { PROJECT_ROOT } from "../../loaders/config.ts";
import {
  apart,
  bootstrap,
  bootstrapMedian,
  bootstrapRatio,
  groupRatios,
  resampledMedian,
  wilson,
} from "../../loaders/stats/intervals.ts";
import { medianInPlace, sortedCopy, sortedWithout } from "../../loaders/stats/quantile.ts";
import { Rng } from "../../loaders/stats/random.ts";

const expected: { successes: number; n: number; low: number; high: number }[] = JSON.parse(
  readFileSync(join(PROJECT_ROOT, "test", "fixtures", "intervals", "wilson_expected.json"), "utf8"),
);

test("wilson: scipy's binomtest(k, n).proportion_ci(method='wilson') to 1e-12", () => {
  for (const e of expected) {
    const got = wilson(e.successes, e.n);
    assert.ok(Math.abs(got.low - e.low) < 1e-12, `${e.successes}/${e.n} low ${got.low} vs ${e.low}`);
    assert.ok(Math.abs(got.high - e.high) < 1e-12, `${e.successes}/${e.n} high ${got.high} vs ${e.high}`);
  }
});

test("bootstrap of a median: seeded, brackets the median, narrows with n", () => {
  const rng = new Rng(1);
  const draw = (n: number) => Array.from({ length: n }, () => Math.exp(3 * rng.next()));
  const small = draw(60);
  const large = draw(2000);
  const a = bootstrap(small, { seed: 7 });
  assert.deepEqual(bootstrap(small, { seed: 7 }), a, "same seed, same interval");
  const sorted = [...small].sort((x, y) => x - y);
  const med = (sorted[29] + sorted[30]) / 2;
  assert.ok(a.low <= med && med <= a.high, `${a.low} <= ${med} <= ${a.high}`);
  const b = bootstrap(large, { seed: 7 });
  assert.ok(b.high - b.low < a.high - a.low, "more data, a narrower interval");
  assert.ok(apart({ low: 0.3, high: 0.4 }, { low: 0.1, high: 0.2 }));
  assert.ok(!apart({ low: 0.3, high: 0.4 }, { low: 0.35, high: 0.5 }));
});

/** The exact distribution of a resample's median of `values`, by enumerating all n^n resamples (small n). */
function exactResampledMedians(values: number[]): Map<number, number> {
  const n = values.length;
  const probability = new Map<number, number>();
  const index = new Array<number>(n).fill(0);
  const sample = new Float64Array(n);
  for (let done = false; !done;) {
    for (let i = 0; i < n; i++) sample[i] = values[index[i]];
    const m = medianInPlace(sample);
    probability.set(m, (probability.get(m) ?? 0) + Math.pow(n, -n));
    let i = 0;
    while (i < n && ++index[i] === n) index[i++] = 0;
    done = i === n;
  }
  return probability;
}

test("a resample's median drawn from its order statistics has the bootstrap's exact distribution", () => {
  // distinct powers of two: every median (one value, or the mean of two) identifies which values made it
  for (const values of [
    [1, 2, 4, 8],
    [1, 2, 4, 8, 16],
    [1, 2, 4, 8, 16, 32],
  ]) {
    const exact = exactResampledMedians(values);
    const draws = 200_000;
    const rng = new Rng(7);
    const seen = new Map<number, number>();
    for (let r = 0; r < draws; r++) {
      const m = resampledMedian(values, rng);
      seen.set(m, (seen.get(m) ?? 0) + 1);
    }
    for (const m of seen.keys()) assert.ok(exact.has(m), `${m} is not a possible median of ${values}`);
    for (const [m, p] of exact) {
      const f = (seen.get(m) ?? 0) / draws;
      const se = Math.sqrt((p * (1 - p)) / draws);
      assert.ok(Math.abs(f - p) <= 5 * se + 1e-9, `n = ${values.length}, median ${m}: ${f} drawn, ${p} exact`);
    }
  }
});

test("bootstrapMedian's interval is that of resampling every value (40 to 4,338 values); seeded", () => {
  for (const n of [40, 151, 4_338]) {
    const rng = new Rng(n);
    const values = Array.from({ length: n }, () => Math.round(rng.logNormal(300, 1.2) * 100) / 100);
    // at small n the 2.5th and 97.5th percentiles fall near a step between two order statistics: enough resamples
    // that either way of drawing them lands on the same step
    const resamples = 20_000;
    const fast = bootstrapMedian(values, { seed: 3, resamples });
    assert.deepEqual(bootstrapMedian(values, { seed: 3, resamples }), fast, `n = ${n}: same seed, same interval`);
    const slow = bootstrap(values, { seed: 8, resamples, statistic: medianInPlace });
    const width = slow.high - slow.low;
    assert.ok(width > 0, `n = ${n}: a real interval`);
    assert.ok(Math.abs(fast.low - slow.low) < 0.12 * width, `n = ${n}: low ${fast.low} against ${slow.low}`);
    assert.ok(Math.abs(fast.high - slow.high) < 0.12 * width, `n = ${n}: high ${fast.high} against ${slow.high}`);
  }
  assert.deepEqual(bootstrapMedian([]), { low: NaN, high: NaN });
});

test("the median ratio's bootstrap interval is that of resampling every value, for small and large samples", () => {
  // a small segment against Online Retail's size, a mid-sized one, and 50,002 values in all
  for (const [na, nb] of [
    [150, 4_188],
    [900, 3_400],
    [9_001, 41_001],
  ]) {
    const rng = new Rng(na);
    const a = Array.from({ length: na }, () => rng.logNormal(120, 1.1));
    const b = Array.from({ length: nb }, () => rng.logNormal(80, 1.2));
    const fast = bootstrapRatio(a, b, { seed: 5, resamples: 2000 });
    // resampling every value, as a textbook bootstrap does
    const draw = new Rng(11);
    const [sa, sb] = [new Float64Array(a.length), new Float64Array(b.length)];
    const stats = new Float64Array(2000);
    for (let r = 0; r < stats.length; r++) {
      for (let i = 0; i < sa.length; i++) sa[i] = a[draw.int(a.length)];
      for (let i = 0; i < sb.length; i++) sb[i] = b[draw.int(b.length)];
      stats[r] = medianInPlace(sa) / medianInPlace(sb);
    }
    stats.sort();
    const low = stats[Math.round(0.025 * 1999)];
    const high = stats[Math.round(0.975 * 1999)];
    const width = high - low;
    const sizes = `${na} against ${nb} values`;
    assert.ok(width > 0.05, `${sizes}: a real interval (${low}-${high})`);
    assert.ok(Math.abs(fast.low - low) < 0.1 * width, `${sizes}: low ${fast.low} against ${low}`);
    assert.ok(Math.abs(fast.high - high) < 0.1 * width, `${sizes}: high ${fast.high} against ${high}`);
    assert.ok(fast.low < fast.ratio && fast.ratio < fast.high, sizes);
    assert.equal(fast.ratio, medianInPlace(Float64Array.from(a)) / medianInPlace(Float64Array.from(b)), sizes);
  }
});

/** Values with ties, negative zeros and zeros, in random order, and labels 0..k-1 for them. */
function labelled(n: number, k: number, seed: number): { values: Float64Array; labels: Int32Array } {
  const rng = new Rng(seed);
  const values = new Float64Array(n);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const r = rng.next();
    // a fifth whole pounds (ties), a few zeros of both signs, the rest spread out
    values[i] = r < 0.2 ? rng.int(50) : r < 0.22 ? (rng.chance(0.5) ? -0 : 0) : rng.logNormal(100, 1.3);
    labels[i] = rng.int(k);
  }
  return { values, labels };
}

test("sortedWithout: the sorted rest of a sorted whole, -0 and 0 told apart; a part not in the whole is an error", () => {
  const { values, labels } = labelled(5_000, 3, 1);
  const whole = sortedCopy(values);
  for (let j = 0; j < 3; j++) {
    const part = sortedCopy(values.filter((_, i) => labels[i] === j));
    const rest = sortedCopy(values.filter((_, i) => labels[i] !== j));
    const got = sortedWithout(whole, part);
    assert.equal(got.length, rest.length);
    assert.ok(
      got.every((x, i) => Object.is(x, rest[i])),
      `group ${j}: the rest sorted`,
    );
  }
  assert.deepEqual(
    [...sortedWithout(Float64Array.of(-0, 0, 0, 2), Float64Array.of(0, 2))].map(Object.is.bind(null, -0)),
    [true, false],
  );
  assert.throws(() => sortedWithout(Float64Array.of(1, 2, 3), Float64Array.of(2.5)), /not a sub-multiset/);
  assert.throws(() => sortedWithout(Float64Array.of(1, 2), Float64Array.of(1, 2, 2)), /not a sub-multiset/);
});

test("groupRatios: each group against the rest gives bootstrapRatio's bits", () => {
  for (const n of [3_000, 57_001]) {
    const { values, labels } = labelled(n, 4, n);
    const ratios = groupRatios(values, labels);
    const given = groupRatios(values, labels, sortedCopy(values));
    for (let j = 0; j < 5; j++) {
      // group 4 has no members: NaN bounds
      const members = values.filter((_, i) => labels[i] === j);
      const rest = values.filter((_, i) => labels[i] !== j);
      const expected = bootstrapRatio(members, rest, { seed: 7 + j, resamples: 300 });
      assert.deepEqual(ratios(j, { seed: 7 + j, resamples: 300 }), expected, `n = ${n}, group ${j}`);
      assert.deepEqual(given(j, { seed: 7 + j, resamples: 300 }), expected, `n = ${n}, group ${j}, sorted given`);
      if (j < 4) assert.ok(expected.low < expected.high, `n = ${n}, group ${j}: a real interval`);
    }
  }
  assert.throws(() => groupRatios([1, 2, 3], [0, 1, 0], Float64Array.of(1, 2)), /2 sorted values for 3 values/);
});
