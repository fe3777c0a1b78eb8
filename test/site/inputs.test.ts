/**
 * The test build cache (test/support/build.ts) reuses a site only while everything it was built from is unchanged:
 * the report data's fingerprint (data, configuration, the pipeline's TypeScript) and siteInputs(): the pages and
 * components, the Framework config, the loaders' other files (emit.js) and the installed packages' versions.
 * `npm run build` skips Framework's build when the site in --out was built from the same (siteStamp) and is
 * untouched since (siteIsCurrent).
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { PROJECT_ROOT } from "../../loaders/config.ts";
import { addToMarker, siteIsCurrent, writeMarker } from "../../loaders/site/folder.ts";
import { siteStamp } from "../../loaders/site/inputs.ts";
import { siteInputs, siteSourceHash } from "../support/build.ts";

test("the site's inputs: pages, components, emit.js, the Framework config and the installed Framework", () => {
  const { files, packages } = siteInputs();
  for (const file of [
    "src/index.md",
    "src/segment/[segment].md",
    "src/components/format.js",
    "loaders/site/emit.js",
    "observablehq.config.ts",
  ])
    assert.ok(files.includes(join(PROJECT_ROOT, file)), `${file} is fingerprinted`);
  assert.ok(!files.some((f) => f.includes("/.observablehq/")), "Framework's own cache is not an input");
  assert.ok(!files.some((f) => f.startsWith(join(PROJECT_ROOT, "loaders")) && f.endsWith(".ts")), "no .ts twice");
  // the version actually installed, read independently here from node_modules
  const framework = JSON.parse(
    readFileSync(join(PROJECT_ROOT, "node_modules", "@observablehq", "framework", "package.json"), "utf8"),
  ).version;
  assert.ok(packages.includes(`@observablehq/framework@${framework}`), packages.join(", "));
  assert.match(siteSourceHash(), /^[0-9a-f]{64}$/);
  assert.equal(siteSourceHash(), siteSourceHash(), "stable between calls");
});

/** A minimal project at `root`: a page, the Framework config, emit.js and a package.json without dependencies. */
function fakeProject(root: string): void {
  mkdirSync(join(root, "src"), { recursive: true });
  mkdirSync(join(root, "loaders", "site"), { recursive: true });
  writeFileSync(join(root, "src", "index.md"), "# Home\n");
  writeFileSync(join(root, "observablehq.config.ts"), "export default {};\n");
  writeFileSync(join(root, "loaders", "site", "emit.js"), "// emit\n");
  writeFileSync(join(root, "loaders", "site", "inputs.ts"), "// covered by the report data's fingerprint\n");
  writeFileSync(join(root, "package.json"), JSON.stringify({ dependencies: {} }));
}

test("siteStamp: a new page text, report data or non-TypeScript loader file is another site; the .ts and Framework's cache are not", () => {
  const root = mkdtempSync(join(tmpdir(), "site-stamp-"));
  try {
    fakeProject(root);
    const first = siteStamp("report-a", root);
    assert.equal(siteStamp("report-a", root), first, "stable");
    assert.notEqual(siteStamp("report-b", root), first, "other report data");
    mkdirSync(join(root, "src", ".observablehq", "cache"), { recursive: true });
    writeFileSync(join(root, "src", ".observablehq", "cache", "x.json"), "{}");
    writeFileSync(join(root, "loaders", "site", "inputs.ts"), "// edited: the report fingerprint says so\n");
    assert.equal(siteStamp("report-a", root), first, "Framework's cache and loaders' .ts are not site inputs");
    writeFileSync(join(root, "src", "index.md"), "# Home, edited\n");
    const edited = siteStamp("report-a", root);
    assert.notEqual(edited, first, "an edited page");
    writeFileSync(join(root, "loaders", "site", "emit.js"), "// emit, edited\n");
    assert.notEqual(siteStamp("report-a", root), edited, "an edited emit.js");
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("siteIsCurrent: only a site marked with the same stamp, every file it was built with unchanged", () => {
  const dir = mkdtempSync(join(tmpdir(), "site-current-"));
  try {
    mkdirSync(join(dir, "_file", "data"), { recursive: true });
    writeFileSync(join(dir, "index.html"), "<h1>Home</h1>");
    writeFileSync(join(dir, "_file", "data", "meta.json"), '{"orders":3}');
    writeMarker(dir);
    assert.equal(siteIsCurrent(dir, "stamp"), false, "a site marked without its inputs (an older build)");
    writeMarker(dir, "stamp");
    assert.equal(siteIsCurrent(dir, "stamp"), true);
    assert.equal(siteIsCurrent(dir, "other"), false, "built from other inputs");
    writeFileSync(join(dir, "_file", "data", "meta.json"), '{"orders":4}');
    assert.equal(siteIsCurrent(dir, "stamp"), false, "a file edited since");
    writeFileSync(join(dir, "_file", "data", "meta.json"), '{"orders":3}');
    assert.equal(siteIsCurrent(dir, "stamp"), true, "the same bytes again");
    writeFileSync(join(dir, "report.html"), "the export");
    addToMarker(dir, ["report.html"]);
    assert.equal(siteIsCurrent(dir, "stamp"), true, "the export's files beside the site are not the site");
    rmSync(join(dir, "index.html"));
    assert.equal(siteIsCurrent(dir, "stamp"), false, "a file removed since");
    assert.equal(siteIsCurrent(join(dir, "absent"), "stamp"), false, "no site");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
