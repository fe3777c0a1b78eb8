import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_SEGMENT_RULES, type SegmentRule } from "../../loaders/config.ts";
import { quintileThresholds, scoreRfm, scoreValue } from "../../loaders/rfm/score.ts";
import {
  assignSegments,
  cellSegments,
  matchSegment,
  OTHER_SEGMENT,
  rfmCell,
  segmentTable,
} from "../../loaders/rfm/segments.ts";
import { close, expected } from "../fixtures/segment/expected.ts";

describe("RFM scores", () => {
  it("thresholds are numpy's (type 7) 20/40/60/80% quantiles", () => {
    const q = expected.quantiles;
    quintileThresholds(q.monetary).forEach((t, i) => assert.ok(close(t, q.monetary_q[i], 1e-12)));
    quintileThresholds(q.frequency).forEach((t, i) => assert.ok(close(t, q.frequency_q[i], 1e-12)));
  });

  it("equal values always share a score; a value on a threshold takes the lower bin", () => {
    assert.equal(scoreValue(3, [1, 2, 3, 6], true), 3);
    assert.equal(scoreValue(3.0001, [1, 2, 3, 6], true), 4);
    assert.equal(scoreValue(100, [1, 2, 3, 6], true), 5);
    assert.equal(scoreValue(0, [1, 2, 3, 6], true), 1);
    // recency: fewer days is better
    assert.equal(scoreValue(1, [14, 33, 72, 180], false), 5);
    assert.equal(scoreValue(14, [14, 33, 72, 180], false), 5);
    assert.equal(scoreValue(365, [14, 33, 72, 180], false), 1);
  });

  it("heavy ties skip score levels and report them (rfm#17)", () => {
    // 60% one-order customers: the 20% and 40% cut points coincide at 1
    const frequency = [
      ...new Array(60).fill(1),
      ...new Array(20).fill(2),
      ...new Array(10).fill(4),
      ...new Array(10).fill(9),
    ];
    const values = { recency: frequency.map((_, i) => i), frequency, monetary: frequency.map((_, i) => i * 10) };
    const s = scoreRfm(values);
    // type 7 interpolates between order statistics: h = 99 x 0.6 = 59.4 lies between a 1 and a 2
    s.scoring.thresholds.frequency.forEach((t, i) => assert.ok(close(t, [1, 1, 1.4, 2.4][i], 1e-12)));
    assert.deepEqual(s.scoring.empty_levels.frequency, [2, 3]);
    assert.deepEqual(s.scoring.level_counts.frequency, [60, 0, 0, 20, 20]);
    assert.equal(s.f[0], 1); // all one-order customers score 1
    assert.equal(s.f[60], 4);
    assert.equal(s.f[99], 5);
    assert.deepEqual(s.scoring.empty_levels.monetary, []);
    assert.deepEqual(s.scoring.level_counts.monetary, [20, 20, 20, 20, 20]);
    assert.equal(s.scoring.source.frequency, "quintiles");
    assert.match(s.scoring.method, /type 7/);
  });

  it("configured thresholds override the quintiles per dimension", () => {
    const values = { recency: [1, 50, 400], frequency: [1, 5, 50], monetary: [10, 100, 1000] };
    const s = scoreRfm(values, { frequency: [1, 2, 10, 20] });
    assert.deepEqual(s.scoring.thresholds.frequency, [1, 2, 10, 20]);
    assert.equal(s.scoring.source.frequency, "configured");
    assert.equal(s.scoring.source.monetary, "quintiles");
    assert.deepEqual([...s.f], [1, 3, 5]);
    assert.deepEqual([...s.r], [5, 3, 1]);
  });
});

describe("RFM segments", () => {
  it("a 555 customer is a Champion (rfm#67)", () => {
    assert.equal(matchSegment(5, 5, 5, DEFAULT_SEGMENT_RULES), "Champions");
    assert.equal(rfmCell(5, 5, 5), "555");
  });

  it("every one of the 125 cells maps to a named default segment", () => {
    const cells = cellSegments(DEFAULT_SEGMENT_RULES);
    assert.equal(cells.size, 125);
    const other = [...cells].filter(([, s]) => s === OTHER_SEGMENT).map(([c]) => c);
    assert.deepEqual(other, []);
    // some anchors a reader would expect
    const expectations: Record<string, string> = {
      "111": "Lost",
      "155": "Can't Lose Them",
      "511": "New Customers",
      "411": "Promising",
      "333": "Loyal Customers",
      "551": "Frequent Low Spenders",
      "231": "At Risk",
      "212": "Hibernating",
    };
    for (const [cell, name] of Object.entries(expectations)) assert.equal(cells.get(cell), name, cell);
  });

  it("first match wins and unmatched customers are Other", () => {
    const rules: SegmentRule[] = [
      { name: "Top", r: [5, 5], f: [1, 5], m: [1, 5], description: "d", action: "a" },
      { name: "Frequent", r: [1, 5], f: [4, 5], m: [1, 5], description: "d", action: "a" },
    ];
    assert.equal(matchSegment(5, 5, 5, rules), "Top");
    assert.equal(matchSegment(4, 5, 1, rules), "Frequent");
    assert.equal(matchSegment(1, 1, 1, rules), OTHER_SEGMENT);
  });

  it("the segment table counts every customer exactly once, with shares of customers and revenue", () => {
    const r = [5, 5, 1, 1, 3];
    const f = [5, 1, 1, 5, 3];
    const m = [5, 1, 1, 5, 3];
    const { cells, segments } = assignSegments(r, f, m, DEFAULT_SEGMENT_RULES);
    assert.deepEqual(cells, ["555", "511", "111", "155", "333"]);
    assert.deepEqual(segments, ["Champions", "New Customers", "Lost", "Can't Lose Them", "Loyal Customers"]);
    const revenue = [500, 20, 10, 300, 170];
    const table = segmentTable(segments, revenue, DEFAULT_SEGMENT_RULES);
    assert.deepEqual(
      table.map((row) => row.segment),
      [...new Set(DEFAULT_SEGMENT_RULES.map((rule) => rule.name))],
    );
    assert.equal(
      table.reduce((a, row) => a + row.customers, 0),
      5,
    );
    assert.ok(
      close(
        table.reduce((a, row) => a + row.share_revenue, 0),
        1,
        1e-12,
      ),
    );
    const champions = table.find((row) => row.segment === "Champions");
    assert.equal(champions?.customers, 1);
    assert.equal(champions?.revenue, 500);
    assert.equal(champions?.share_revenue, 0.5);
    assert.equal(champions?.share_customers, 0.2);
    assert.ok(champions?.cells.includes("555"));
    assert.equal(
      table.reduce((a, row) => a + row.cells.length, 0),
      125,
    );
  });

  it("lists Other in the table only when someone is in it", () => {
    const rules: SegmentRule[] = [{ name: "Top", r: [5, 5], f: [1, 5], m: [1, 5], description: "d", action: "a" }];
    const { segments } = assignSegments([5, 1], [1, 1], [1, 1], rules);
    const table = segmentTable(segments, [1, 1], rules);
    assert.deepEqual(
      table.map((row) => [row.segment, row.customers]),
      [
        ["Top", 1],
        [OTHER_SEGMENT, 1],
      ],
    );
  });
});
