/**
 * npm test's lanes (test/support/run.mjs): the files that build the site run one at a time in the site lanes; the
 * others run beside them (in the analysis lane, or in a site lane to even the lanes out), so none of them may touch
 * what builds share (the report data's cache `.segment-cache`, its CURRENT pointer, Framework's loader cache
 * `src/.observablehq`); the other files are dealt by their recorded times.
 */
import assert from "node:assert/strict";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, it } from "node:test";
import { PROJECT_ROOT } from "../../loaders/config.ts";
// @ts-expect-error: a plain ES module without types
import * as harness from "../support/run.mjs";

const { CHECKS, buildsSite, copyCheckout, dealFiles, dealSiteFiles, fileTimesIn, readTimes, run } = harness;

const files = readdirSync(join(PROJECT_ROOT, "test"), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) =>
    readdirSync(join(PROJECT_ROOT, "test", d.name))
      .filter((f) => f.endsWith(".test.ts"))
      .map((f) => `test/${d.name}/${f}`),
  );

describe("npm test's lanes", () => {
  it("a file that builds through the test helpers or runs the build, export or dev command is in the site lane", () => {
    for (const source of [
      "const { dir } = await buildReport({ name: 'demo' });",
      "runBuild(options, ['--out', out])",
      "const [command, args] = buildCommand(['--out', out]);",
      'spawnSync(process.execPath, ["--import", "tsx", join(PROJECT_ROOT, "loaders/cli/export.ts")])',
      'spawn(tsx, ["loaders/cli/dev.ts", "--port", port])',
      'await interrupt("build", ["--out", out], "SIGINT", temp)',
    ])
      assert.equal(buildsSite(source), true, source);
    for (const source of [
      "await runPipeline(config, out)",
      'spawnSync(process.execPath, ["--import", "tsx", "loaders/cli/pipeline.ts"])',
      "// npm run build reads the same settings",
      "const rebuilt = computeReport(config)",
    ])
      assert.equal(buildsSite(source), false, source);
  });

  it("no file of the analysis lane touches what builds share", () => {
    const shared = /\.segment-cache|CACHE_ROOT|\bCURRENT\b|ensureArtifacts|src["/, ]+\.observablehq/;
    const analysis = files.filter((f) => !buildsSite(readFileSync(join(PROJECT_ROOT, f), "utf8")));
    assert.ok(analysis.length > 40, `${analysis.length} files in the analysis lane`);
    // files whose mention is not the builds' state, with why
    const allowed: Record<string, string> = {
      "test/cli/launch.test.ts":
        "bundles into a .segment-cache of a temporary project; the real one's cli/ bundles are written by rename",
      "test/site/inputs.test.ts":
        "only lists this project's page sources (src/.observablehq is skipped before it is read); writes a Framework cache in a temporary project",
      "test/site/warm.test.ts":
        "warms the Framework caches of temporary projects under test-output/warm, never the checkout's",
      "test/pipeline/stage-cache.test.ts":
        "its stage cache is a temporary folder; .segment-cache appears only in an expected warning's wording",
    };
    const touching = analysis.filter(
      (f) => !(f in allowed) && shared.test(readFileSync(join(PROJECT_ROOT, f), "utf8")),
    );
    assert.deepEqual(touching, []);
  });

  it("site files are dealt to the lanes in turn, by name", () => {
    assert.deepEqual(dealSiteFiles(["test/c", "test/a", "test/b", "test/d", "test/e"], 2), [
      ["test/a", "test/c", "test/e"],
      ["test/b", "test/d"],
    ]);
    assert.deepEqual(dealSiteFiles(["test/a"], 3), [["test/a"]], "no empty lane");
  });

  it("the other files are dealt longest first, each to the lane with the least time so far", () => {
    const times = new Map([
      ["test/a", 10],
      ["test/b", 50],
      ["test/c", 30],
      ["test/d", 30],
      ["test/e", 5],
    ]);
    // costs with the 2 s start of each file: b 52, c 32, d 32, a 12, e 7
    assert.deepEqual(dealFiles(["test/a", "test/b", "test/c", "test/d", "test/e"], [0, 0], times), [
      ["test/b", "test/a", "test/e"],
      ["test/c", "test/d"],
    ]);
    // lanes that already hold work (the checks; the site files): the first gets the files last
    assert.deepEqual(dealFiles(["test/a", "test/b", "test/c", "test/d", "test/e"], [60, 0], times), [
      ["test/d", "test/e"],
      ["test/b", "test/c", "test/a"],
    ]);
    assert.deepEqual(dealFiles(["test/a"], [0, 0, 0], times), [["test/a"], [], []], "one list a lane");
    // a file without a time counts as the median recorded file (30 s of 5, 10, 30, 30, 50): beside c, after b
    assert.deepEqual(dealFiles(["test/a", "test/b", "test/c", "test/new"], [0, 0, 0], times), [
      ["test/b"],
      ["test/c", "test/a"],
      ["test/new"],
    ]);
    // no times at all: by name
    assert.deepEqual(dealFiles(["test/y", "test/x", "test/z"], [0, 0]), [["test/x", "test/z"], ["test/y"]]);
  });

  it("every test file is in the kept times, and the times are read back from a run's output", () => {
    const kept = readTimes(join(tmpdir(), "no-such-project"));
    assert.equal(kept.size, 0, "no file: no times");
    const project = mkdtempSync(join(tmpdir(), "segment-times-"));
    try {
      mkdirSync(join(project, "test", "support"), { recursive: true });
      writeFileSync(join(project, "test", "support", "test-times.json"), '{"test/a/x.test.ts": 3.5}');
      assert.deepEqual([...readTimes(project)], [["test/a/x.test.ts", 3.5]], "the kept times");
      mkdirSync(join(project, "test-output"));
      writeFileSync(join(project, "test-output", "test-times.json"), '{"test/a/x.test.ts": 4}');
      assert.deepEqual([...readTimes(project)], [["test/a/x.test.ts", 4]], "the last run's, first");
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
    const text =
      "# time per test file (s; ...):\n#   227.4  test/browser/methods.test.ts\n#     1.4  test/harness/lanes.test.ts\n";
    assert.deepEqual(
      [...fileTimesIn(text)],
      [
        ["test/browser/methods.test.ts", 227.4],
        ["test/harness/lanes.test.ts", 1.4],
      ],
    );
    // the kept times: the checks and test files that exist, most of them (a file missing counts as the median one)
    const table = JSON.parse(readFileSync(join(PROJECT_ROOT, "test", "support", "test-times.json"), "utf8"));
    assert.ok(Number.isFinite(table[CHECKS]), CHECKS);
    const listed = Object.keys(table).filter((name) => name !== CHECKS);
    assert.deepEqual(
      listed.filter((name) => !files.includes(name)),
      [],
      "no time for a file that is gone",
    );
    assert.ok(listed.length >= 0.9 * files.length, `${listed.length} of ${files.length} test files have a time`);
  });

  it("a second site lane's copy: the project's files, its own outputs and caches, node_modules and ../shared linked", () => {
    const dir = mkdtempSync(join(tmpdir(), "segment-lane-"));
    try {
      const project = copyCheckout(join(dir, "site-2"));
      for (const entry of [
        "package.json",
        "observablehq.config.ts",
        "src/index.md",
        "loaders/config.ts",
        "test/support/run.mjs",
      ])
        assert.ok(existsSync(join(project, entry)), `${entry} copied`);
      for (const entry of ["test-output", ".segment-cache", "dist", ".git", "data", "src/.observablehq"])
        assert.ok(!existsSync(join(project, entry)), `${entry} not copied`);
      assert.ok(lstatSync(join(project, "node_modules")).isSymbolicLink());
      assert.equal(realpathSync(join(project, "node_modules")), realpathSync(join(PROJECT_ROOT, "node_modules")));
      const shared = join(PROJECT_ROOT, "..", "shared");
      if (existsSync(shared)) assert.equal(realpathSync(join(project, "..", "shared")), realpathSync(shared));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a lane's command runs in its own folder (a second site lane in its copy, not in this checkout)", async () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), "segment-lane-cwd-")));
    try {
      const out = new PassThrough();
      const chunks: Buffer[] = [];
      out.on("data", (chunk: Buffer) => chunks.push(chunk));
      const status = await run(process.execPath, ["-e", "process.stdout.write(process.cwd())"], out, new Set(), dir);
      assert.equal(status, 0);
      assert.equal(Buffer.concat(chunks).toString("utf8"), dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
