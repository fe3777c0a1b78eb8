import assert from "node:assert/strict";
import { test } from "node:test";
import { reportDataMs } from "../../bench/build.ts";
import { mib, pairRatios, seconds, spreadText, table, times } from "../../bench/report.ts";
import { oursCpuStages, oursStages, referenceStages } from "../../bench/sides.ts";

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
  const file =
    '{"read": 700, "segment": 1010, "segment_stages": {"kmeans": 900, "metrics": 100, "search_threads": 2, "total": 1000}}';
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

test("pair ratios: ours / reference per alternating pair, wall and CPU; spread text", () => {
  const run = (wall_ms: number, cpu_s: number | null) => ({
    wall_ms,
    tree_rss_kb: 0,
    max_rss_kb: null,
    user_s: cpu_s,
    sys_s: cpu_s === null ? null : 0,
    other_cpu_s: null,
    stages_ms: {},
    unstaged_ms: 0,
  });
  const pairs = pairRatios([run(1000, 2), run(3000, null), run(1500, 1)], [run(4000, 4), run(6000, 6)]);
  assert.deepEqual(pairs, { wall: [0.25, 0.5], cpu: [0.5] });
  assert.equal(
    spreadText([1, 2, 4], (v) => times(v)),
    "2.00x (1.00x - 4.00x, spread 150%)",
  );
  assert.equal(
    spreadText([], (v) => times(v)),
    "-",
  );
});

test("our CPU time per stage comes from timings.json's cpu_ms, which is not a stage", () => {
  const json = JSON.stringify({
    read: 900,
    segment: 400,
    value_cpu: 30,
    analyse_cpu: 2400,
    cpu_ms: { read: 1700, segment: 390, process: 2500 },
  });
  assert.deepEqual(oursStages(json), { read: 900, segment: 400 });
  assert.deepEqual(oursCpuStages(json), { read: 1700, segment: 390, process: 2500 });
  assert.deepEqual(oursCpuStages(JSON.stringify({ read: 1 })), {});
});
