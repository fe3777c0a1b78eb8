import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { PROJECT_ROOT } from "../../loaders/config.ts";
import { bundle, upToDate } from "../../loaders/cli/launch.mjs";

const WORK = mkdtempSync(join(tmpdir(), "launch-"));
after(() => rmSync(WORK, { recursive: true, force: true }));

describe("the bundled command-line entries (loaders/cli/launch.mjs)", () => {
  it("rebuilds the bundle when a module that went into it changes, and only then", async () => {
    const root = join(WORK, "project");
    mkdirSync(join(root, "loaders", "cli"), { recursive: true });
    writeFileSync(join(root, "loaders", "dep.ts"), `export const word: string = "before";\n`);
    writeFileSync(
      join(root, "loaders", "cli", "hello.ts"),
      `import { word } from "../dep.ts";\nprocess.stdout.write(word);\n`,
    );
    const out = join(root, ".segment-cache", "cli", "hello.mjs");
    const inputs = join(root, ".segment-cache", "cli", "hello.inputs.json");
    assert.equal(upToDate(inputs, root), false, "no bundle yet");
    await bundle("hello", out, inputs, root);
    assert.equal(upToDate(inputs, root), true);
    const run = () => spawnSync(process.execPath, [out], { encoding: "utf8" }).stdout;
    assert.equal(run(), "before");
    // an imported module edited (same size, later time): stale until rebuilt, then the edit is what runs
    writeFileSync(join(root, "loaders", "dep.ts"), `export const word: string = "after!";\n`);
    utimesSync(join(root, "loaders", "dep.ts"), new Date(), new Date(Date.now() + 5000));
    assert.equal(upToDate(inputs, root), false);
    await bundle("hello", out, inputs, root);
    assert.equal(upToDate(inputs, root), true);
    assert.equal(run(), "after!");
    // a module gone: stale
    rmSync(join(root, "loaders", "dep.ts"));
    assert.equal(upToDate(inputs, root), false);
  });

  it("`npm run pipeline`'s command runs the pipeline in plain node: usage, and a bad option's one-line error", () => {
    const launch = join(PROJECT_ROOT, "loaders", "cli", "launch.mjs");
    const help = spawnSync(process.execPath, [launch, "pipeline", "--help"], { encoding: "utf8", cwd: PROJECT_ROOT });
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /^usage: npm run pipeline/);
    assert.match(help.stdout, /--segments-only/);
    const bad = spawnSync(process.execPath, [launch, "pipeline", "--nope"], { encoding: "utf8", cwd: PROJECT_ROOT });
    assert.equal(bad.status, 1);
    assert.equal(bad.stderr, "segment-report: command line: Unknown option '--nope' (see --help)\n");
    const unknown = spawnSync(process.execPath, [launch, "dev"], { encoding: "utf8", cwd: PROJECT_ROOT });
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /^launch: expected one of pipeline, score, demo, schema, build, export, got "dev"\n$/);
  });

  it("`npm run build` and `npm run export` run bundled in plain node too: a bad option's one-line error", () => {
    const launch = join(PROJECT_ROOT, "loaders", "cli", "launch.mjs");
    const scripts = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")).scripts;
    for (const name of ["build", "export"]) {
      assert.equal(scripts[name], `node loaders/cli/launch.mjs ${name}`);
      const bad = spawnSync(process.execPath, [launch, name, "--nope"], { encoding: "utf8", cwd: PROJECT_ROOT });
      assert.equal(bad.status, 1, bad.stderr);
      assert.match(bad.stderr, /^segment-report: command line: Unknown option '--nope' \(usage: npm run \w+ -- /);
      assert.equal(bad.stderr.split("\n").length, 2, bad.stderr);
    }
  });
});
