/**
 * `npm run build -- --out DIR` removes nothing it did not write (issue 12, item 1), never takes an input with it
 * (item 12), and reports unreadable inputs and unwritable folders in one line (item 7). The refusals run before
 * any work, so most cases need no build; one real build checks the marker and what a rebuild replaces.
 */
import assert from "node:assert/strict";
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, it } from "node:test";
import { PROJECT_ROOT } from "../../loaders/config.ts";
import { checkSiteFolder, MARKER } from "../../loaders/site/folder.ts";
import { runBuild, type BuildResult } from "../support/build.ts";
import { generateSmall, readHeadline } from "../support/report.ts";
import { canDropPrivileges, unprivileged, unprivilegedUid } from "../support/unprivileged.ts";

const TMP = mkdtempSync(join(tmpdir(), "segment-build-out-"));
chmodSync(TMP, 0o755);
after(() => rmSync(TMP, { recursive: true, force: true }));
const NO_SETPRIV = canDropPrivileges() ? false : "cannot run as an unprivileged user here (setpriv)";

function assertRefused(result: BuildResult, pattern: RegExp): void {
  assert.equal(result.status, 1, result.stderr);
  const lines = result.stderr.trim().split("\n");
  assert.equal(lines.length, 1, `one line: ${result.stderr}`);
  assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
  assert.match(lines[0], pattern);
}

/** A small data file readable by anyone. */
function smallData(): string {
  const data = join(TMP, "small.csv.gz");
  if (!existsSync(data)) writeFileSync(data, readFileSync(generateSmall().data));
  return data;
}

describe("--out refuses what is not a previous report (item 1)", () => {
  it("a folder holding other files", () => {
    const dir = join(TMP, "photos");
    mkdirSync(dir);
    writeFileSync(join(dir, "holiday.jpg"), "precious");
    assertRefused(
      runBuild({ name: "out", data: smallData() }, ["--out", dir]),
      /photos: is not empty and is not a report built by segment-report .*holiday\.jpg/,
    );
    assert.equal(readFileSync(join(dir, "holiday.jpg"), "utf8"), "precious");
    assert.deepEqual(readdirSync(dir), ["holiday.jpg"], "nothing added, no temporary folder");
  });

  it("an existing regular file", () => {
    const file = join(TMP, "report.html");
    writeFileSync(file, "mine");
    assertRefused(
      runBuild({ name: "out", data: smallData() }, ["--out", file]),
      /report\.html: exists and is not a folder/,
    );
    assert.equal(readFileSync(file, "utf8"), "mine");
  });

  it("the current folder, given as .", () => {
    const here = join(TMP, "here");
    mkdirSync(here);
    writeFileSync(join(here, "notes.txt"), "keep");
    assertRefused(runBuild({ name: "out", data: smallData(), cwd: here }, ["--out", "."]), /is the current folder/);
    assert.deepEqual(readdirSync(here), ["notes.txt"]);
  });

  it("a folder holding an input file (item 12)", () => {
    const dir = join(TMP, "with-input");
    mkdirSync(dir);
    const data = join(dir, "transactions.csv.gz");
    writeFileSync(data, readFileSync(smallData()));
    assertRefused(
      runBuild({ name: "out", data }, ["--out", dir]),
      /with-input: holds the input .*transactions\.csv\.gz/,
    );
    assert.deepEqual(readdirSync(dir), ["transactions.csv.gz"]);
  });

  it("a symbolic link", () => {
    const target = join(TMP, "target");
    mkdirSync(target);
    symlinkSync(target, join(TMP, "link"));
    assertRefused(
      runBuild({ name: "out", data: smallData() }, ["--out", join(TMP, "link")]),
      /link: is a symbolic link/,
    );
  });

  it("the project, a folder holding it, .git and the project's own folders (checked without running a build)", () => {
    const context = { cwd: TMP, project: PROJECT_ROOT, inputs: [] };
    const cases: [string, RegExp][] = [
      [PROJECT_ROOT, /holds the project itself/],
      [dirname(PROJECT_ROOT), /holds the project itself/],
      ["/", /holds the project itself/],
      [join(PROJECT_ROOT, ".git", "x"), /is inside a \.git folder/],
      [join(PROJECT_ROOT, "src"), /inside the project's src\/ folder/],
      [join(PROJECT_ROOT, "node_modules", "x"), /inside the project's node_modules\/ folder/],
      [join(PROJECT_ROOT, ".segment-cache"), /inside the project's \.segment-cache\/ folder/],
      [TMP, /is the current folder/],
    ];
    for (const [dir, pattern] of cases)
      assert.throws(() => checkSiteFolder(dir, context), { name: "InputError", message: pattern }, dir);
    assert.deepEqual(checkSiteFolder(join(PROJECT_ROOT, "dist-new-never-made"), context), {
      exists: false,
      replaced: [],
      foreign: [],
    });
  });

  it("a new or empty folder is built, marked, and rebuilt in place; other top-level files stay; a file added inside the report refuses", () => {
    const out = join(TMP, "site");
    mkdirSync(out);
    const config = join(TMP, "small-config.json");
    writeFileSync(config, JSON.stringify({ clustering: { k_max: 4, bootstrap_runs: 2 } }));
    const options = { name: "out", data: smallData(), config };
    let result = runBuild(options, ["--out", out]);
    assert.equal(result.status, 0, result.stderr);
    const marker = JSON.parse(readFileSync(join(out, MARKER), "utf8"));
    assert.equal(marker.written_by, "segment-report");
    assert.ok(marker.files.includes("index.html"), "the marker lists the files written");
    assert.equal(readHeadline(out).customers, generateSmall().customersKept);

    writeFileSync(join(out, "CNAME"), "reports.example\n"); // a host's file beside the site
    writeFileSync(join(out, "index.html"), "edited by hand"); // a file the build wrote: replaced
    result = runBuild(options, ["--out", out]);
    assert.equal(result.status, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /site build skipped/, "a site edited since its build is built again");
    assert.equal(readFileSync(join(out, "CNAME"), "utf8"), "reports.example\n");
    assert.notEqual(readFileSync(join(out, "index.html"), "utf8"), "edited by hand");
    assert.ok(!readdirSync(out).some((name) => name.startsWith(".segment-tmp-")), "no temporary folder left");

    const fileDir = marker.files.find((f: string) => f.includes("/")).split("/")[0];
    writeFileSync(join(out, fileDir, "mine.txt"), "mine");
    assertRefused(
      runBuild(options, ["--out", out]),
      new RegExp(`holds ${fileDir}/mine\\.txt, which the previous build did not write`),
    );
    assert.equal(readFileSync(join(out, fileDir, "mine.txt"), "utf8"), "mine");
  });
});

describe("one line for unreadable data and unwritable folders (item 7)", () => {
  it("SEGMENT_DATA naming a folder without data files (a folder of data files is read as one table)", () => {
    const folder = join(TMP, "no-data");
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, "notes.md"), "not data\n");
    assertRefused(
      runBuild({ name: "out", data: folder }, ["--out", join(TMP, "eisdir")]),
      /no-data: a folder without data files \(expected files ending \.csv/,
    );
    assert.equal(existsSync(join(TMP, "eisdir")), false);
  });

  it("a data file the user cannot read (EACCES)", { skip: NO_SETPRIV }, () => {
    const data = join(TMP, "secret.csv.gz");
    writeFileSync(data, readFileSync(smallData()));
    chmodSync(data, 0o000);
    const result = runBuild({ name: "out", data }, ["--out", join(TMP, "secret-site")], unprivileged);
    assertRefused(result, /secret\.csv\.gz: cannot be read \(permission denied\) \(set by SEGMENT_DATA\)/);
  });

  it("an --out folder the user cannot write", { skip: NO_SETPRIV }, () => {
    const out = join(TMP, "readonly-site");
    mkdirSync(out);
    const result = runBuild({ name: "out", data: smallData() }, ["--out", out], unprivileged);
    assertRefused(result, /readonly-site: cannot write the output folder \(permission denied\)/);
    assert.deepEqual(readdirSync(out), []);
  });

  it("a writable --out inside a folder the user cannot write: only --out is written", { skip: NO_SETPRIV }, () => {
    const parent = join(TMP, "locked");
    const out = join(parent, "site");
    mkdirSync(out, { recursive: true });
    chownSync(out, unprivilegedUid(), unprivilegedUid());
    const result = runBuild({ name: "out", data: smallData() }, ["--out", out], unprivileged);
    // past the output checks; this user cannot write the project's cache either, which is the one line
    assertRefused(result, /\.segment-cache.*(cannot create|permission denied)/);
    assert.deepEqual(readdirSync(parent), ["site"]);
    assert.deepEqual(readdirSync(out), [], "the temporary folder is removed");
  });
});
