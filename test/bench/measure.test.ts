import assert from "node:assert/strict";
import { test } from "node:test";
import { measure, parseCpuBusy, parseProcStat, parseTimeReport, treeRss, type ProcStat } from "../../bench/measure.ts";

const TIME_V = `	Command being timed: "/usr/bin/python3 reference_pipeline.py data.csv.gz out"
	User time (seconds): 5.00
	System time (seconds): 2.36
	Percent of CPU this job got: 133%
	Elapsed (wall clock) time (h:mm:ss or m:ss): 0:05.54
	Maximum resident set size (kbytes): 412920
	Exit status: 3
`;

test("parseTimeReport: the fields of GNU time -v (the elapsed line's colons do not confuse it)", () => {
  assert.deepEqual(parseTimeReport(TIME_V), { max_rss_kb: 412920, user_s: 5, sys_s: 2.36, exit_status: 3 });
  assert.deepEqual(parseTimeReport(""), { max_rss_kb: null, user_s: null, sys_s: null, exit_status: null });
});

test("parseProcStat: ppid and rss counted from the last ')' (names may hold spaces and parentheses)", () => {
  const stat =
    "4242 (node (worker) x) S 4241 4242 4242 0 -1 4194560 3029 164668 0 142 4 9 672 406 20 0 1 0 54032 5124096 892 18446744073709551615";
  assert.deepEqual(parseProcStat(stat), { ppid: 4241, rss_pages: 892 });
  assert.equal(parseProcStat("garbage"), null);
});

test("treeRss: sums a root and its descendants only, and finds the largest process", () => {
  const procs = new Map<number, ProcStat>([
    [1, { ppid: 0, rss_pages: 1000 }],
    [10, { ppid: 1, rss_pages: 10 }],
    [11, { ppid: 10, rss_pages: 100 }],
    [12, { ppid: 11, rss_pages: 50 }],
    [20, { ppid: 1, rss_pages: 500 }],
  ]);
  assert.deepEqual(treeRss(procs, 10), { total_kb: 160 * 4, largest_kb: 100 * 4 });
  assert.deepEqual(treeRss(procs, 99), { total_kb: 0, largest_kb: 0 });
});

test("parseCpuBusy: user + nice + system + irq + softirq of the cpu line", () => {
  assert.equal(parseCpuBusy("cpu  100 5 50 9000 7 3 2 11 0 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n"), 160);
  assert.equal(parseCpuBusy("intr 1 2 3"), null);
});

test("measure: wall time, exit code, output and a timeout that ends the whole process group", async () => {
  const ok = await measure("sh", ["-c", "echo hello; exit 3"]);
  assert.equal(ok.exit_code, 3);
  assert.equal(ok.stdout, "hello\n");
  assert.ok(ok.wall_ms > 0 && ok.tree_rss_kb > 0);
  const slow = await measure("sh", ["-c", "sleep 5 & sleep 5; wait"], { timeoutMs: 200 });
  assert.equal(slow.timed_out, true);
  assert.ok(slow.wall_ms < 3000);
});
