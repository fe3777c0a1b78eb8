/** The insights of segments over time: made only from the sentences and drift figures the analyses computed. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { overTimeInsights, type InsightFacts } from "../../loaders/report/insights.ts";

const facts = (over_time: InsightFacts["over_time"]) => ({ over_time }) as InsightFacts;

describe("insights on segments over time", () => {
  it("none without the time analysis", () => {
    assert.deepEqual(overTimeInsights(facts(undefined)), []);
  });
  it("the migration's and cohorts' own sentences, and a drift warning advising to refit", () => {
    const out = overTimeInsights(
      facts({
        migration: {
          from_date: "2011-09-10",
          to_date: "2011-12-09",
          narrative: ["Of the 120 Champions, 30 are now At-Risk."],
        },
        cohort_sentence: "Newer cohorts return less: 20% against 30% (chi-square p = 0.001).",
        cohort_p: 0.001,
        drift: {
          model_id: "abc",
          warning: "drift: monetary's mean moved 0.60 training SDs",
          passed: ["monetary's mean moved 0.60 training SDs (threshold 0.5)"],
          outside_share: 0.03,
        },
      }),
    );
    assert.deepEqual(
      out.map((i) => [i.id, i.page, i.anchor]),
      [
        ["migration", "segments", "migration"],
        ["cohorts", "segments", "cohorts"],
        ["drift", "methodology", "saved-model"],
      ],
    );
    assert.equal(out[0].text, "Of the 120 Champions, 30 are now At-Risk.");
    assert.match(
      out[2].text,
      /saved model abc was fitted on: monetary's mean moved 0\.60 training SDs \(threshold 0\.5\)\. .*refit the model/,
    );
  });
  it("no cohort insight when the comparison is noise; drift without a warning says the model still fits", () => {
    const out = overTimeInsights(
      facts({
        migration: null,
        cohort_sentence: null,
        cohort_p: 0.4,
        drift: { model_id: "abc", warning: null, passed: [], outside_share: 0.012 },
      }),
    );
    assert.deepEqual(
      out.map((i) => i.id),
      ["drift"],
    );
    assert.match(out[0].text, /still fits these customers: no drift threshold is passed \(1\.2% of them/);
  });
});
