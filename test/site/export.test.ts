/**
 * Issue 23 #12 and #13: `npm run export` refuses unknown options and a missing --out value in one line (before
 * any build); its files are written whole or not at all, with one line and no temporary file when the target is a
 * folder or cannot be written; and the next build replaces the export's report.html and report.pdf (listed in the
 * site's marker) instead of leaving the old data beside the new site.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { PROJECT_ROOT } from "../../loaders/config.ts";
import { InputError } from "../../loaders/errors.ts";
import { writeFileWhole } from "../../loaders/output/replace.ts";
import { addToMarker, checkSiteFolder, MARKER } from "../../loaders/site/folder.ts";

const TMP = mkdtempSync(join(tmpdir(), "segment-export-"));
after(() => rmSync(TMP, { recursive: true, force: true }));

function exportCli(...args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", join(PROJECT_ROOT, "loaders/cli/export.ts"), ...args], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, INIT_CWD: TMP },
  });
}

describe("npm run export (issue 23 #12, #13)", () => {
  it("refuses an unknown option and --out without a value in one line, building nothing", () => {
    const bogus = exportCli("--bogus");
    assert.equal(bogus.status, 1, bogus.stderr);
    assert.match(bogus.stderr, /^segment-report: command line: Unknown option '--bogus'.*usage: npm run export/);
    assert.equal(bogus.stderr.split("\n").length, 2, bogus.stderr);
    const missing = exportCli("--out");
    assert.equal(missing.status, 1, missing.stderr);
    assert.match(missing.stderr, /^segment-report: command line: Option '--out <value>' argument missing/);
    assert.doesNotMatch(missing.stderr, /\n\s+at /);
  });

  it("report.html that is a folder: one line, no temporary file", () => {
    const dir = join(TMP, "folder-target");
    mkdirSync(join(dir, "report.html"), { recursive: true });
    assert.throws(
      () => writeFileWhole(join(dir, "report.html"), "<html>"),
      (e: Error) => e instanceof InputError && /report\.html: is a folder/.test(e.message),
    );
    assert.deepEqual(readdirSync(dir), ["report.html"]);
  });

  it("a file system that refuses the write (/proc): one line, no temporary file", () => {
    assert.throws(
      () => writeFileWhole("/proc/self/report.pdf", "%PDF"),
      (e: Error) =>
        e instanceof InputError && /\/proc\/self\/report\.pdf: /.test(e.message) && !e.message.includes("\n"),
    );
  });

  it("the next build replaces the export's report.html and report.pdf", () => {
    const site = join(TMP, "site");
    mkdirSync(site);
    writeFileSync(join(site, "index.html"), "<html>");
    writeFileSync(
      join(site, MARKER),
      JSON.stringify({ written_by: "segment-report", built_at: "", files: ["index.html"] }),
    );
    writeFileSync(join(site, "report.html"), "old export");
    writeFileSync(join(site, "report.pdf"), "old export");
    addToMarker(site, ["report.html"]);
    addToMarker(site, ["report.pdf"]);
    const folder = checkSiteFolder(site, { cwd: TMP, project: PROJECT_ROOT, inputs: [] });
    assert.deepEqual(folder.replaced.sort(), [MARKER, "index.html", "report.html", "report.pdf"].sort());
    assert.deepEqual(folder.foreign, []);
    assert.deepEqual(JSON.parse(readFileSync(join(site, MARKER), "utf8")).files, [
      "index.html",
      "report.html",
      "report.pdf",
    ]);
    assert.ok(existsSync(join(site, "report.html")));
  });
});
