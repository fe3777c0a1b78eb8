/**
 * README "Exit statuses": a site build that fails on a page exits 1 with Framework's messages and one
 * `segment-report:` line, and the previous report in `--out` is left as it was (no temporary folder either).
 * The failing page lives in a temporary copy of the project (loaders, src, Framework config; node_modules
 * linked), never in src/.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { MARKER } from "../../loaders/site/folder.ts";
import { buildCommand, copyProject } from "../support/build.ts";
import { generateSmall } from "../support/report.ts";

const TMP = mkdtempSync(join(tmpdir(), "segment-build-fail-"));
after(() => rmSync(TMP, { recursive: true, force: true }));

describe("a page failing in Framework", () => {
  it("exits 1 with one line of ours after Framework's messages, the previous report intact", () => {
    const copy = join(TMP, "project");
    mkdirSync(copy);
    copyProject(copy);
    writeFileSync(
      join(copy, "src", "broken.md"),
      '---\ntitle: Broken\n---\n\n# Broken\n\n```js\nimport {nothing} from "./components/does-not-exist.js";\n```\n',
    );
    // a previous report: the marker and the one file it lists
    const out = join(TMP, "out");
    mkdirSync(out);
    const marker = JSON.stringify({
      written_by: "segment-report",
      built_at: "2020-01-01T00:00:00.000Z",
      files: ["index.html"],
    });
    writeFileSync(join(out, MARKER), marker);
    writeFileSync(join(out, "index.html"), "the previous report\n");

    const env: NodeJS.ProcessEnv = { ...process.env, OBSERVABLE_TELEMETRY_DISABLE: "1", INIT_CWD: TMP };
    delete env.SEGMENT_CONFIG;
    env.SEGMENT_DATA = generateSmall().data;
    const result = spawnSync(...buildCommand(["--out", out]), {
      cwd: copy,
      env,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    const output = result.stdout + result.stderr;
    assert.equal(result.status, 1, output);
    assert.match(output, /import not found: .*does-not-exist\.js/, "Framework's message");
    const ours = result.stderr.split("\n").filter((line) => line.startsWith("segment-report: "));
    // progress lines, then ours last; the folder is named relative to the build's working folder (here ../out)
    assert.match(
      ours.at(-1) ?? "",
      /^segment-report: the site build failed \(Framework's messages above\); \.\.\/out was left as it was$/,
    );
    assert.equal(result.stderr.trimEnd().split("\n").at(-1), ours.at(-1), "our line is the last");
    assert.equal(ours.filter((line) => /failed|error/i.test(line)).length, 1, result.stderr);
    assert.doesNotMatch(result.stderr, /internal error/);
    assert.deepEqual(readdirSync(out).sort(), [MARKER, "index.html"], "no temporary folder, nothing added");
    assert.equal(readFileSync(join(out, MARKER), "utf8"), marker);
    assert.equal(readFileSync(join(out, "index.html"), "utf8"), "the previous report\n");
  });
});
