import assert from "node:assert/strict";
import { test } from "node:test";
import { median, medianByKey, ratio, summarize } from "../../bench/stats.ts";

test("median: odd and even counts, unsorted input left unchanged, empty is NaN", () => {
  const values = Object.freeze([5, 1, 3]);
  assert.equal(median(values), 3);
  assert.deepEqual(values, [5, 1, 3]);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
});

test("summarize: median, extremes and spread relative to the median", () => {
  assert.deepEqual(summarize([2, 1, 3]), { n: 3, median: 2, min: 1, max: 3, spread: 1 });
});

test("ratio: null when a side is missing or the divisor is zero", () => {
  assert.equal(ratio(1, 4), 0.25);
  assert.equal(ratio(null, 4), null);
  assert.equal(ratio(1, 0), null);
  assert.equal(ratio(1, NaN), null);
});

test("medianByKey: per-stage medians over runs, keys in first-seen order, missing keys skipped", () => {
  const runs: Record<string, number>[] = [
    { read: 10, clean: 5 },
    { read: 30, clean: 7, kmeans: 100 },
    { read: 20, clean: 6 },
  ];
  const result = medianByKey(runs);
  assert.deepEqual(Object.keys(result), ["read", "clean", "kmeans"]);
  assert.deepEqual(result, { read: 20, clean: 6, kmeans: 100 });
});
