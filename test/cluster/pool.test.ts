/**
 * The k search in worker threads (loaders/cluster/pool.ts): the same bits as in the process, whatever the number of
 * threads: the pipeline bundled (loaders/cli/launch.mjs, the workers' bundle), the method comparison in this process
 * (under tsx: the workers' TypeScript through tsx); SEGMENT_THREADS read strictly; the cases that stay in the
 * process.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { DEFAULT_CONFIG, PROJECT_ROOT } from "../../loaders/config.ts";
import { InputError } from "../../loaders/errors.ts";
import { PARALLEL_MIN_ROWS, searchThreads, startKPool } from "../../loaders/cluster/pool.ts";
import { compareMethods } from "../../loaders/cluster/compare.ts";
import { Rng } from "../../loaders/stats/random.ts";

const WORK = mkdtempSync(join(tmpdir(), "segment-pool-"));
after(() => rmSync(WORK, { recursive: true, force: true }));

// the built-in demo data: about 4,400 customers, above PARALLEL_MIN_ROWS
const DEMO = join(PROJECT_ROOT, "data", "demo", "transactions.csv.gz");

/** One bundled --segments-only run (as `npm run pipeline`); returns its output folder and the threads it used. */
function run(name: string, threads: number, config?: object): { out: string; threads: number } {
  const out = join(WORK, name);
  const args = ["--data", DEMO, "--out", out, "--segments-only", "--quiet"];
  if (config) {
    const file = join(WORK, `${name}.config.json`);
    writeFileSync(file, JSON.stringify(config));
    args.push("--config", file);
  }
  const result = spawnSync(process.execPath, ["loaders/cli/launch.mjs", "pipeline", ...args], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
    env: { ...process.env, SEGMENT_THREADS: String(threads) },
  });
  assert.equal(result.status, 0, result.stderr);
  const timings = JSON.parse(readFileSync(join(out, "timings.json"), "utf8"));
  return { out, threads: timings.segment_stages.search_threads };
}

function assertSameFiles(a: string, b: string, what: string): void {
  for (const file of ["customers.csv", "summary.json", "model.json"])
    assert.ok(readFileSync(join(a, file)).equals(readFileSync(join(b, file))), `${what}: ${file} differs`);
}

describe("the k search in worker threads", () => {
  it("K-Means: one thread and two write the same bytes", () => {
    const one = run("kmeans-1", 1);
    const two = run("kmeans-2", 2);
    assert.equal(one.threads, 1, "SEGMENT_THREADS=1 keeps the search in the process");
    assert.equal(two.threads, 2, "two worker threads");
    assertSameFiles(one.out, two.out, "1 against 2 threads");
  });

  it("the Gaussian mixture as the method: one thread and three write the same bytes", () => {
    const config = { clustering: { method: "gmm", k_max: 4, methods: { gmm_restarts: 1 } } };
    const one = run("gmm-1", 1, config);
    const three = run("gmm-3", 3, config);
    assert.equal(three.threads, 3);
    assertSameFiles(one.out, three.out, "gmm, 1 against 3 threads");
  });

  it("the method comparison's mixtures: one thread and two give the same comparison", async () => {
    // 3,600 customers in three blobs of three features, monetary rising with the first
    const rng = new Rng(11);
    const rows = 3600;
    const X = { data: new Float64Array(rows * 3), rows, cols: 3 };
    const monetary = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      const blob = i % 3;
      for (let c = 0; c < 3; c++) X.data[i * 3 + c] = blob * 2 + (c === blob ? 1 : 0) + rng.normal();
      monetary[i] = Math.exp(X.data[i * 3]);
    }
    const clustering = {
      ...DEFAULT_CONFIG.clustering,
      methods: { ...DEFAULT_CONFIG.clustering.methods, gmm_restarts: 2 },
    };
    const input = { X, monetary, sample: null, kMax: 4, k: 3, kmeans: null, kmeansNames: null };
    const [one, two] = [
      await compareMethods(input, clustering),
      await compareMethods({ ...input, threads: 2 }, clustering),
    ];
    assert.equal(one.entries.filter((e) => e.method === "gmm").length, 6, "both covariances at k = 2, 3, 4");
    assert.equal(one.timings.gmm_threads, 1);
    assert.equal(two.timings.gmm_threads, 2, "the mixtures ran in two worker threads");
    assert.deepEqual({ ...two, timings: null }, { ...one, timings: null });
  });

  it("a bad SEGMENT_THREADS stops the run before the data are read: one line, exit 1, nothing written", () => {
    const out = join(WORK, "bad-threads");
    const result = spawnSync(
      process.execPath,
      ["loaders/cli/launch.mjs", "pipeline", "--data", DEMO, "--out", out, "--segments-only"],
      { cwd: PROJECT_ROOT, encoding: "utf8", env: { ...process.env, SEGMENT_THREADS: "two" } },
    );
    assert.equal(result.status, 1, result.stderr);
    assert.equal(
      result.stderr.trim(),
      'segment-report: SEGMENT_THREADS: expected a whole number of threads (1 or more), got "two"',
    );
    assert.ok(!existsSync(out), "no output folder");
  });

  it("SEGMENT_THREADS: a whole number, else a one-line error naming it", () => {
    assert.equal(searchThreads({ SEGMENT_THREADS: "3" }), 3);
    assert.ok(searchThreads({}) >= 1, "the cores node sees");
    for (const bad of ["0", "-1", "two", "1.5"])
      assert.throws(
        () => searchThreads({ SEGMENT_THREADS: bad }),
        (e: unknown) => e instanceof InputError && /^SEGMENT_THREADS: expected a whole number/.test(e.message),
        bad,
      );
  });

  it("stays in the process for one thread, few customers, and methods whose k values share work", () => {
    const rows = PARALLEL_MIN_ROWS;
    const X = { data: new Float64Array(rows * 2), rows, cols: 2 };
    const jobs = [2, 3, 4].map((ask) => ({ kind: "k" as const, ask, seed: 1 }));
    const input = { X, monetary: new Float64Array(rows), sample: null, clustering: DEFAULT_CONFIG.clustering, jobs };
    assert.equal(startKPool({ ...input, threads: 1 }), null, "one thread");
    assert.equal(startKPool({ ...input, threads: 4, jobs: jobs.slice(0, 1) }), null, "one k");
    const few = { data: new Float64Array((rows - 1) * 2), rows: rows - 1, cols: 2 };
    assert.equal(startKPool({ ...input, X: few, threads: 4 }), null, "below PARALLEL_MIN_ROWS");
    for (const method of ["ward", "dbscan"] as const)
      assert.equal(
        startKPool({ ...input, threads: 4, clustering: { ...DEFAULT_CONFIG.clustering, method } }),
        null,
        method,
      );
  });
});
