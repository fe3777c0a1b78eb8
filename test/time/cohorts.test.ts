/**
 * Monthly acquisition cohorts against an independent pandas computation (test/fixtures/time/make_expected.py): the
 * small fixture (cohorts.csv, with lines the cleaning drops) and the whole of Online Retail, both on the gross
 * revenue basis; the newer-vs-older comparison's chi-square against scipy, and its guard.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadConfig, PROJECT_ROOT } from "../../loaders/config.ts";
import { ingest } from "../../loaders/pipeline/ingest.ts";
import { cohortTable, compareCohorts, customerMonths, type Cohort } from "../../loaders/time/cohorts.ts";
import { NO_SHARED, ONLINE_RETAIL } from "../support/build.ts";
import { requires } from "../support/skip.ts";

const DIR = join(PROJECT_ROOT, "test", "fixtures", "time");
const expected = (name: string) => JSON.parse(readFileSync(join(DIR, name), "utf8"));

interface ExpectedCohort {
  cohort: string;
  customers: number;
  active: number[];
  revenue_per_member: number[];
}

async function cohortsOf(data: string) {
  const config = loadConfig({ file: null, data, env: {}, overrides: { revenue: "gross" } });
  const ingested = await ingest(config);
  try {
    return cohortTable(await customerMonths(ingested.db), ingested.period_end);
  } finally {
    await ingested.close();
  }
}

function assertCohorts(got: Cohort[], want: ExpectedCohort[]): void {
  assert.deepEqual(
    got.map((c) => [c.cohort, c.customers]),
    want.map((c) => [c.cohort, c.customers]),
  );
  got.forEach((c, i) => {
    assert.equal(c.active.length, want[i].active.length, c.cohort);
    assert.equal(c.active[0], 1, `${c.cohort}: month 0`);
    c.active.forEach((a, m) => assert.ok(Math.abs(a - want[i].active[m]) < 1e-12, `${c.cohort} month ${m}: ${a}`));
    c.revenue_per_member.forEach((r, m) => {
      const w = want[i].revenue_per_member[m];
      assert.ok(Math.abs(r - w) <= 1e-9 * Math.max(1, Math.abs(w)), `${c.cohort} month ${m}: ${r} vs ${w}`);
    });
  });
}

describe("cohorts", () => {
  it("the fixture: sizes, share active and revenue per member equal pandas'", async () => {
    const want = expected("cohorts_expected.json");
    const got = await cohortsOf(join(DIR, "cohorts.csv"));
    assert.equal(got.last_month, want.last_month);
    assert.equal(got.partial_last_month, true); // the data end on 2011-07-26
    assertCohorts(got.cohorts, want.cohorts);
  });

  it("Online Retail: every cohort equals pandas'", { skip: requires(NO_SHARED) }, async () => {
    const want = expected("online_retail_cohorts.json");
    const got = await cohortsOf(ONLINE_RETAIL);
    assert.equal(got.last_month, want.last_month);
    assertCohorts(got.cohorts, want.cohorts);
  });

  const cohort = (name: string, customers: number, returned: number | null): Cohort => ({
    cohort: name,
    customers,
    active: [1],
    active_customers: [customers],
    revenue_per_member: [0],
    returned_within: returned,
  });

  it("newer against older: scipy's chi-square on the 2x2 table, and a sentence only past the test", () => {
    const { chi2_example: ref } = expected("cohorts_expected.json");
    const [[r1, n1], [r2, n2]] = ref.table.map(([a, b]: number[]) => [a, a + b]);
    // the first cohort is left out (it holds customers who bought before the data begin)
    const result = compareCohorts([cohort("2010-12", 900, 800), cohort("2011-01", n1, r1), cohort("2011-02", n2, r2)])!;
    assert.deepEqual(result.older.cohorts, ["2011-01"]);
    assert.deepEqual(result.newer.cohorts, ["2011-02"]);
    assert.ok(Math.abs(result.chi2 - ref.chi2) < 1e-9, `${result.chi2} vs ${ref.chi2}`);
    assert.ok(Math.abs(result.p - ref.p) < 1e-9, `${result.p} vs ${ref.p}`);
    assert.match(
      result.sentence ?? "",
      /^Customers first buying in 2011-02 bought again within 3 months less often than those first buying in 2011-01 \(19\.0% of 500 against 30\.0% of 400; chi-square test p = /,
    );
    // the same shares on small cohorts: not beyond noise, no sentence
    const small = compareCohorts([cohort("2010-12", 900, 800), cohort("2011-01", 40, 12), cohort("2011-02", 42, 8)])!;
    assert.ok(small.p >= 0.05);
    assert.equal(small.sentence, null);
    // cohorts under 30 customers, or without their three months observed, do not count
    assert.equal(
      compareCohorts([cohort("2010-12", 900, 800), cohort("2011-01", 29, 10), cohort("2011-02", 500, null)]),
      null,
    );
  });
});
