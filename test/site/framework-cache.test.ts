/**
 * Framework's loader cache after the report data changed (loaders/site/prepare.ts syncFrameworkCache): a cached
 * file that is byte for byte the new artifact of its name stays, any other goes (changed, or no longer produced).
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, it } from "node:test";
import { syncFrameworkCache } from "../../loaders/site/prepare.ts";

const root = mkdtempSync(join(tmpdir(), "segment-framework-cache-"));
after(() => rmSync(root, { recursive: true, force: true }));

function write(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

describe("Framework's loader cache follows the report data file by file", () => {
  it("keeps the files whose artifact is unchanged and removes the others", () => {
    const cache = join(root, "cache");
    const artifacts = join(root, "artifacts-b");
    write(join(cache, "data"), {
      "meta.json": '{"k":5}',
      "rfm.json": '{"same":true}',
      "segment/old-name.json": "{}",
      "segment/kept.json": '{"a":1}',
    });
    writeFileSync(join(cache, "segment-report.fingerprint"), "print-a\n");
    write(artifacts, { "meta.json": '{"k":6}', "rfm.json": '{"same":true}', "segment/kept.json": '{"a":1}' });

    assert.equal(syncFrameworkCache("print-b", artifacts, cache), 2);
    assert.ok(!existsSync(join(cache, "data", "meta.json")), "a changed file goes");
    assert.ok(!existsSync(join(cache, "data", "segment", "old-name.json")), "a file no longer produced goes");
    assert.equal(readFileSync(join(cache, "data", "rfm.json"), "utf8"), '{"same":true}');
    assert.ok(existsSync(join(cache, "data", "segment", "kept.json")));
    assert.equal(readFileSync(join(cache, "segment-report.fingerprint"), "utf8"), "print-b\n");
    // the same artifacts again: nothing to do
    assert.equal(syncFrameworkCache("print-b", artifacts, cache), null);
  });

  it("starts an absent cache with the stamp", () => {
    const cache = join(root, "fresh");
    assert.equal(syncFrameworkCache("print-c", join(root, "none"), cache), 0);
    assert.equal(readFileSync(join(cache, "segment-report.fingerprint"), "utf8"), "print-c\n");
  });
});
