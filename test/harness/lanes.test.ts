/**
 * npm test's two lanes (test/support/run.mjs): the files that build the site run one at a time in the site lane;
 * the others run beside them, so none of them may touch what builds share (the report data's cache
 * `.segment-cache`, its CURRENT pointer, Framework's loader cache `src/.observablehq`).
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { PROJECT_ROOT } from "../../loaders/config.ts";
// @ts-expect-error: a plain ES module without types
import { buildsSite } from "../support/run.mjs";

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
    const touching = analysis.filter((f) => shared.test(readFileSync(join(PROJECT_ROOT, f), "utf8")));
    assert.deepEqual(touching, []);
  });
});
