/**
 * Framework's loader cache after the report data changed (loaders/site/prepare.ts syncFrameworkCache): every file a
 * data loader would print is there with the artifact's bytes (a file already holding them is left as it is), any
 * other cached file goes, and Framework's build takes the written files as fresh (newer than their loaders).
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, it } from "node:test";
import { PROJECT_ROOT } from "../../loaders/config.ts";
import { loaderFiles, syncFrameworkCache } from "../../loaders/site/prepare.ts";

const root = mkdtempSync(join(tmpdir(), "segment-framework-cache-"));
after(() => rmSync(root, { recursive: true, force: true }));

function write(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

describe("Framework's loader cache follows the report data file by file", () => {
  it("writes what the loaders would print, keeps what already holds it and removes the rest", () => {
    const cache = join(root, "cache");
    const artifacts = join(root, "artifacts-b");
    write(join(cache, "data"), {
      "meta.json": '{"k":5}',
      "rfm.json": '{"same":true}',
      "segment/old-name.json": "{}",
      "segment/kept.json": '{"a":1}',
    });
    const old = new Date("2020-01-01T00:00:00Z");
    utimesSync(join(cache, "data", "rfm.json"), old, old);
    writeFileSync(join(cache, "segment-report.fingerprint"), "print-a\n");
    write(artifacts, {
      FINGERPRINT: "print-b",
      "recognised.txt": "text",
      "meta.json": '{"k":6}',
      "rfm.json": '{"same":true}',
      "new_page.json": "[]",
      "segment/kept.json": '{"a":1}',
      "segment/new-one.json": '{"b":2}',
      "customer_segments.csv": "customer_id\n",
      "Bad Name.json": "{}",
    });

    assert.deepEqual(syncFrameworkCache("print-b", artifacts, cache), { written: 4, removed: 1 });
    const data = join(cache, "data");
    for (const name of ["meta.json", "new_page.json", "segment/new-one.json", "customer_segments.csv", "rfm.json"])
      assert.equal(readFileSync(join(data, name), "utf8"), readFileSync(join(artifacts, name), "utf8"), name);
    assert.ok(!existsSync(join(data, "segment", "old-name.json")), "a file no longer produced goes");
    assert.equal(statSync(join(data, "rfm.json")).mtimeMs, old.getTime(), "an unchanged file is left as it is");
    for (const name of ["FINGERPRINT", "recognised.txt", "Bad Name.json"])
      assert.ok(!existsSync(join(data, name)), `${name}: no loader prints it`);
    assert.equal(readFileSync(join(cache, "segment-report.fingerprint"), "utf8"), "print-b\n");
    // the same artifacts again: nothing to do
    assert.equal(syncFrameworkCache("print-b", artifacts, cache), null);
  });

  it("writes each file newer than the loader that would print it (Framework's test of a fresh cache)", () => {
    const artifacts = join(root, "artifacts-c");
    write(artifacts, { "meta.json": "{}", "segment/a.json": "{}", "customer_segments.csv": "x\n" });
    const cache = join(root, "fresh");
    syncFrameworkCache("print-c", artifacts, cache);
    const loader = (name: string) =>
      join(
        PROJECT_ROOT,
        "src",
        "data",
        name.startsWith("segment/")
          ? "segment/[segment].json.js"
          : name.endsWith(".csv")
            ? `${name}.js`
            : "[file].json.js",
      );
    for (const name of loaderFiles(artifacts)) {
      assert.ok(existsSync(loader(name)), `${name}: its loader ${loader(name)}`);
      assert.ok(statSync(join(cache, "data", name)).mtimeMs >= statSync(loader(name)).mtimeMs, name);
    }
  });

  it("a file it cannot write is left to its loader: no cached copy, no error", () => {
    const artifacts = join(root, "artifacts-d");
    write(artifacts, { "meta.json": '{"k":4}', "rfm.json": "{}" });
    const cache = join(root, "unwritable");
    write(join(cache, "data"), { "meta.json": '{"k":3}' });
    // the temporary file's path taken by a folder: its write fails as on a full disk
    mkdirSync(join(cache, "data", `meta.json.${process.pid}.part`), { recursive: true });
    assert.deepEqual(syncFrameworkCache("print-e", artifacts, cache), { written: 1, removed: 0 });
    assert.ok(!existsSync(join(cache, "data", "meta.json")), "the stale copy is gone: Framework runs the loader");
    assert.ok(!existsSync(join(cache, "data", `meta.json.${process.pid}.part`)));
    assert.equal(readFileSync(join(cache, "data", "rfm.json"), "utf8"), "{}");
  });

  it("starts an absent cache with the stamp", () => {
    const cache = join(root, "empty");
    assert.deepEqual(syncFrameworkCache("print-d", join(root, "none"), cache), { written: 0, removed: 0 });
    assert.equal(readFileSync(join(cache, "segment-report.fingerprint"), "utf8"), "print-d\n");
  });
});
