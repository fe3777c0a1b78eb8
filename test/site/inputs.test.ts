/**
 * The test build cache (test/support/build.ts) reuses a site only while everything it was built from is unchanged:
 * the report data's fingerprint (data, configuration, the pipeline's TypeScript) and siteInputs(): the pages and
 * components, the Framework config, the loaders' other files (emit.js) and the installed packages' versions.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { PROJECT_ROOT } from "../../loaders/config.ts";
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
