/** Wilson intervals against scipy (test/fixtures/intervals/make_expected.py); the bootstrap's determinism and sense. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { PROJECT_ROOT } from "../../loaders/config.ts";
import { apart, bootstrap, wilson } from "../../loaders/stats/intervals.ts";
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
