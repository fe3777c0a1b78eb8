/**
 * README error paths (README "Exit statuses": 1 for bad input, one `segment-report: ...` line on stderr, the
 * previous output left as it was): bad options of `npm run build` and `npm run demo`, a config file inside
 * `--out`, and `tables` beside a database `source`. All refused before any work, so no build runs here.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { PROJECT_ROOT } from "../../loaders/config.ts";
import { runBuild } from "../support/build.ts";
import { generateSmall } from "../support/report.ts";

const TMP = mkdtempSync(join(tmpdir(), "segment-cli-errors-"));
after(() => rmSync(TMP, { recursive: true, force: true }));

/** Status 1 and exactly one `segment-report: ` line matching `pattern`, no stack trace. */
function assertOneLine(result: { status: number | null; stderr: string }, pattern: RegExp): void {
  assert.equal(result.status, 1, result.stderr);
  const lines = result.stderr.trim().split("\n");
  assert.equal(lines.length, 1, `one line: ${result.stderr}`);
  assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
  assert.match(lines[0], /^segment-report: /);
  assert.match(lines[0], pattern);
}

function runDemo(args: string[]) {
  return spawnSync(process.execPath, ["loaders/cli/launch.mjs", "demo", ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, INIT_CWD: TMP },
    encoding: "utf8",
  });
}

describe("npm run build: bad options", () => {
  for (const [args, pattern] of [
    [
      ["--frobnicate"],
      /command line: Unknown option '--frobnicate'.*\(usage: npm run build -- \[--out DIR\] \[--model DIR\/model\.json\]\)$/,
    ],
    [["--out"], /command line: Option '--out <value>' argument missing.*\(usage: npm run build/],
    [["extra"], /command line: Unexpected argument 'extra'.*\(usage: npm run build/],
  ] as [string[], RegExp][])
    it(`${args.join(" ")}: exit 1, one line`, () => {
      assertOneLine(runBuild({ name: "cli-errors" }, args), pattern);
    });
});

describe("npm run demo: bad options", () => {
  const out = join(TMP, "demo-out");
  for (const [args, pattern] of [
    [["--nope"], /unknown option "--nope" \(usage: npm run demo -- \[--out DIR\]/],
    [["--seed", "x"], /--seed should be an integer, got "x"/],
    [["--lines", "10"], /--lines should be a whole number from 1000 to 10000000, got "10"/],
    [["--seed"], /--seed needs a value/],
  ] as [string[], RegExp][])
    it(`${args.join(" ")}: exit 1, one line, nothing written`, () => {
      assertOneLine(runDemo(["--out", out, ...args]), pattern);
      assert.equal(existsSync(out), false, "the output folder is not created");
    });
});

describe("refused configurations", () => {
  it("a config file inside --out: exit 1, one line, the folder as it was", () => {
    const dir = join(TMP, "with-config");
    mkdirSync(dir);
    const config = join(dir, "segment.config.json");
    const text = JSON.stringify({ data: generateSmall().data });
    writeFileSync(config, text);
    assertOneLine(
      runBuild({ name: "cli-errors", config }, ["--out", dir]),
      /with-config: holds the input .*segment\.config\.json/,
    );
    assert.deepEqual(readdirSync(dir), ["segment.config.json"]);
    assert.equal(readFileSync(config, "utf8"), text);
  });

  it("tables beside a database source: exit 1, one line naming the config file", () => {
    const config = join(TMP, "both.config.json");
    writeFileSync(
      config,
      JSON.stringify({
        source: { kind: "postgres", url_env: "DATABASE_URL", table: "public.sales" },
        tables: { lines: { data: "lines.csv", columns: {} } },
      }),
    );
    const out = join(TMP, "never");
    assertOneLine(
      runBuild({ name: "cli-errors", config }, ["--out", out]),
      /both\.config\.json: "source" \(a database\) and "tables" \(files\) cannot both be set; keep one$/,
    );
    assert.equal(existsSync(out), false);
  });
});
