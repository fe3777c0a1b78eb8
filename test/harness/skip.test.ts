/**
 * The test harness: a test that needs something absent skips with the reason on a developer's machine and fails in
 * CI and with SEGMENT_TEST_STRICT=1 (test/support/skip.ts); the run's reporter (test/support/reporter.mjs) keeps
 * node's closing lines and adds one saying how many tests and suites skipped and why, then the time per test file.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, it } from "node:test";
import { PROJECT_ROOT } from "../../loaders/config.ts";

const FIXTURE = join(PROJECT_ROOT, "test", "fixtures", "harness", "needs.fixture.ts");

function run(env: Record<string, string>) {
  const environment: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const name of ["CI", "SEGMENT_TEST_STRICT", "NODE_TEST_CONTEXT"]) if (!(name in env)) delete environment[name];
  return spawnSync(
    process.execPath,
    [
      "--import",
      "tsx",
      "--test",
      "--test-reporter=./test/support/reporter.mjs",
      "--test-reporter-destination=stdout",
      FIXTURE,
    ],
    { cwd: PROJECT_ROOT, env: environment, encoding: "utf8" },
  );
}

describe("skips", () => {
  it("on a developer's machine: skipped with the reason, and counted by reason after node's summary", () => {
    const result = run({});
    assert.equal(result.status, 0, result.stdout);
    const lines = result.stdout.trimEnd().split("\n");
    // node's own closing lines are intact (TAP when not on a terminal), then the reporter's line
    assert.match(result.stdout, /^# pass 1$/m);
    assert.match(result.stdout, /^# skipped 1$/m, "node counts the skipped test, not the suite");
    assert.match(result.stdout, /^# fail 0$/m);
    const at = lines.findIndex((line) => /^# duration_ms [\d.]+$/.test(line));
    assert.ok(at > 0, "node's duration line");
    assert.equal(
      lines[at + 1],
      "# skipped 1 test and 1 suite: the reference is absent (fixture) (1 suite); not wanted here (fixture) (1 test)",
    );
    // then the time per test file: one file here
    assert.match(
      lines[at + 2],
      /^# time per test file \(s; its top-level tests' durations added up; [\d.]+ s in all\):$/,
    );
    assert.match(lines[at + 3], /^# {3}\d+\.\d {2}test\/fixtures\/harness\/needs\.fixture\.ts$/);
    assert.equal(lines.length, at + 4);
  });

  for (const env of [{ SEGMENT_TEST_STRICT: "1" }, { CI: "true" }] as Record<string, string>[])
    it(`with ${Object.keys(env)[0]} set a missing requirement fails, naming it`, () => {
      const result = run(env);
      assert.equal(result.status, 1, result.stdout);
      assert.match(
        result.stdout,
        /^not ok \d+ - required in CI and with SEGMENT_TEST_STRICT=1: the reference is absent \(fixture\)$/m,
      );
      assert.match(result.stdout, /^# fail 1$/m);
    });
});
