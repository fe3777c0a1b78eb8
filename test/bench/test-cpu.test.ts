import assert from "node:assert/strict";
import { test } from "node:test";
import { attribute, kindOf, parseAcct, parseNodeLog, renderCpuReport } from "../../bench/test-cpu.ts";

// dump-acct's columns: comm|v3|utime|stime|etime|uid|gid|mem|io|pid|ppid|flags|exitcode|tty|time (1/100 s)
const ACCT = [
  "node            |v3|   120.00|    30.00|  9000.00|     0|     0| 90000.00|     0.00|     100|      50|     |       0|__      |Sun Dec  6 08:00:00 2026",
  "node            |v3|   900.00|   100.00|  2000.00|     0|     0| 90000.00|     0.00|     101|     100|     |       0|__      |Sun Dec  6 08:00:00 2026",
  "node            |v3|   700.00|   100.00|  1500.00|     0|     0| 90000.00|     0.00|     102|     101|     |       0|__      |Sun Dec  6 08:00:00 2026",
  "HangWatcher     |v3|   300.00|   100.00|  3000.00|     0|     0| 90000.00|     0.00|     103|     100|     |       0|__      |Sun Dec  6 08:00:00 2026",
  "chromium        |v3|   150.00|    50.00|  3000.00|     0|     0| 90000.00|     0.00|     104|       1|     |       0|__      |Sun Dec  6 08:00:00 2026",
  "ThreadPoolForeg |v3|    80.00|    20.00|  3000.00|     0|     0| 90000.00|     0.00|     105|     104|     |       0|__      |Sun Dec  6 08:00:00 2026",
  "postgres        |v3|    40.00|    10.00|  3000.00|     0|     0| 90000.00|     0.00|     106|     200|     |       0|__      |Sun Dec  6 08:00:00 2026",
  "node            |v3|   500.00|    50.00|  3000.00|     0|     0| 90000.00|     0.00|     200|      50|     |       0|__      |Sun Dec  6 08:00:00 2026",
  "grep            |v3|     1.00|     0.00|     1.00|     0|     0| 90000.00|     0.00|     201|     200|     |       0|__      |Sun Dec  6 08:00:00 2026",
  "chromium        |v3|   100.00|     0.00|  3000.00|     0|     0| 90000.00|     0.00|     400|       1|     |       0|__      |Sun Dec  6 08:00:00 2026",
  "a line that is not a record",
].join("\n");

const NODES = [
  { pid: 100, ppid: 50, argv: ["/r/test/browser/pages.test.ts"] },
  { pid: 100, ppid: 50, argv: [] }, // the tsx loader's worker logs again: the first line wins
  { pid: 101, ppid: 100, argv: ["/r/loaders/cli/launch.mjs", "build", "--out", "/r/dist"] },
  { pid: 102, ppid: 101, argv: ["/r/node_modules/.bin/observable", "build"] },
  { pid: 200, ppid: 50, argv: ["/r/test/sources/postgres.test.ts"] },
]
  .map((n) => JSON.stringify(n))
  .concat(['{"pid": 300, "ppid": 1, "argv": ["cut short'])
  .join("\n");

test("parseAcct: user + system seconds, pid and parent of every record; other lines skipped", () => {
  const records = parseAcct(ACCT);
  assert.equal(records.length, 10);
  assert.deepEqual(records[0], { comm: "node", cpu_s: 1.5, pid: 100, ppid: 50 });
  assert.deepEqual(records[4], { comm: "chromium", cpu_s: 2, pid: 104, ppid: 1 });
});

test("parseNodeLog: the first line of a pid wins; a line cut short is skipped", () => {
  const nodes = parseNodeLog(NODES);
  assert.equal(nodes.size, 4);
  assert.deepEqual(nodes.get(100)?.argv, ["/r/test/browser/pages.test.ts"]);
});

test("kindOf: our commands by name, Framework, a test file, Chromium by its thread names, PostgreSQL", () => {
  const nodes = parseNodeLog(NODES);
  const r = (comm: string, pid: number) => ({ comm, cpu_s: 0, pid, ppid: 0 });
  assert.equal(kindOf(r("node", 101), nodes.get(101)), "our command: build");
  assert.equal(kindOf(r("node", 102), nodes.get(102)), "Framework (observable build)");
  assert.equal(kindOf(r("node", 100), nodes.get(100)), "a test file's own process");
  assert.equal(kindOf(r("HangWatcher", 103), undefined), "Chromium");
  assert.equal(kindOf(r("postgres", 106), undefined), "PostgreSQL");
  assert.equal(kindOf(r("grep", 201), undefined), "other: grep");
});

test("attribute: each process counted under the nearest test file among its ancestors; orphaned Chromium apart", () => {
  const report = attribute(parseAcct(ACCT), parseNodeLog(NODES));
  assert.equal(report.processes, 10);
  assert.ok(Math.abs(report.total_s - 33.51) < 1e-9, String(report.total_s));
  const pages = report.by_file.find((f) => f.file === "browser/pages.test.ts")!;
  // its own process 1.5, the build 10, Framework under the build 8, its browser 4, and the browser's zygote (pid
  // 104, re-parented to init: given back to the browser, pid 103) with its renderer, 3
  assert.ok(Math.abs(pages.cpu_s - 26.5) < 1e-9, String(pages.cpu_s));
  assert.deepEqual(Object.keys(pages.kinds).sort(), [
    "Chromium",
    "Framework (observable build)",
    "a test file's own process",
    "our command: build",
  ]);
  const postgres = report.by_file.find((f) => f.file === "sources/postgres.test.ts")!;
  assert.ok(Math.abs(postgres.cpu_s - 6.01) < 1e-9, String(postgres.cpu_s)); // its process, the server, grep
  // a Chromium process re-parented to init with no browser just below its pid
  assert.ok(Math.abs(report.chromium_unattributed_s - 1) < 1e-9, String(report.chromium_unattributed_s));
  assert.deepEqual(
    report.by_kind.map((k) => k.kind),
    [
      "our command: build",
      "Chromium", // 8 s, as Framework's: the tie goes by name
      "Framework (observable build)",
      "a test file's own process",
      "PostgreSQL",
      "other: grep",
    ],
  );
  assert.equal(report.by_kind.find((k) => k.kind === "Chromium")?.processes, 4);
  const text = renderCpuReport(report, "npm test");
  assert.match(text, /\| browser\/pages\.test\.ts \| 26\.5 \| our command: build 10\.0; Framework/);
  assert.match(text, /traced to no test file .*: 1\.0 s/);
});
