import assert from "node:assert/strict";
import { test } from "node:test";
import { reportDataMs } from "../../bench/build.ts";
import { mib, seconds, table, times } from "../../bench/report.ts";
import { oursStages, referenceStages } from "../../bench/sides.ts";

test("table: numeric columns right-aligned, the first column and text left, pipes escaped", () => {
  const md = table(
    ["", "wall", "check"],
    [
      ["ours", "1.20 s", "a|b"],
      ["ref", "3.40 s - 4.00 s", "PASS"],
    ],
  );
  assert.equal(
    md,
    [
      "|  | wall | check |",
      "| --- | ---: | --- |",
      "| ours | 1.20 s | a\\|b |",
      "| ref | 3.40 s - 4.00 s | PASS |",
    ].join("\n"),
  );
});

test("units: seconds, MiB, ratios; missing values as -", () => {
  assert.equal(seconds(1234), "1.23 s");
  assert.equal(seconds(null), "-");
  assert.equal(mib(412920), "403 MiB");
  assert.equal(times(0.3333), "0.33x");
  assert.equal(times(null), "-");
});

test("stage timings: ours from timings.json (ms; `<stage>_stages` breaks a stage down), the reference's stage_seconds from its last stdout line", () => {
  assert.deepEqual(oursStages('{"timings": {"read": 719, "clean": 226, "note": "x"}}'), { read: 719, clean: 226 });
  assert.deepEqual(oursStages("{}"), {});
  const nested = '{"timings": {"read": 700, "x": {"kmeans": 900, "metrics": 100, "total": 1000}}}';
  assert.deepEqual(oursStages(nested), { read: 700, "x.kmeans": 900, "x.metrics": 100 });
  const file = '{"read": 700, "segment": 1010, "segment_stages": {"kmeans": 900, "metrics": 100, "total": 1000}}';
  assert.deepEqual(oursStages(file), { read: 700, "segment.kmeans": 900, "segment.metrics": 100, "segment.other": 10 });
  const stdout =
    'warning: something\n{"rows_in": 5, "stage_seconds": {"read": 0.971, "kmeans_k2_10": 2.418}, "total_seconds": 3.4}\n';
  assert.deepEqual(referenceStages(stdout), { read: 971, kmeans_k2_10: 2418 });
  assert.throws(() => referenceStages("no json"), /no JSON line/);
});

test("build: the report-data time from the build's stderr; 0 when reused, null when not said", () => {
  assert.equal(reportDataMs("segment-report: computed the report data in 12.5 s (data.csv)\n"), 12_500);
  assert.equal(reportDataMs("segment-report: report data unchanged (data.csv)\n"), 0);
  assert.equal(reportDataMs("something else"), null);
});
