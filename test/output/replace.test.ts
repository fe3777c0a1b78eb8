/**
 * Output folders replaced all or nothing (loaders/output/replace.ts): the new set swapped in, other entries left
 * alone, the temporary folders gone; a failure part way puts the old entries back; OS errors as one line.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { InputError } from "../../loaders/errors.ts";
import { discardStaging, makeStaging, outputError, swapIn, TEMP_PREFIX } from "../../loaders/output/replace.ts";

const fresh = (): string => mkdtempSync(join(tmpdir(), "segment-replace-"));

describe("output folder replacement", () => {
  it("swaps the new entries in, removes replaced ones not in the new set, leaves others alone", () => {
    const dir = fresh();
    writeFileSync(join(dir, "customers.csv"), "old");
    writeFileSync(join(dir, "timings.json"), "old");
    writeFileSync(join(dir, "notes.txt"), "the user's");
    const staging = makeStaging(dir);
    assert.ok(staging.startsWith(join(dir, TEMP_PREFIX)), "staged inside the output folder");
    writeFileSync(join(staging, "customers.csv"), "new");
    writeFileSync(join(staging, "summary.json"), "new");
    swapIn(dir, staging, ["customers.csv", "summary.json", "timings.json"]);
    assert.deepEqual(readdirSync(dir).sort(), ["customers.csv", "notes.txt", "summary.json"]);
    assert.equal(readFileSync(join(dir, "customers.csv"), "utf8"), "new");
    assert.equal(readFileSync(join(dir, "notes.txt"), "utf8"), "the user's");
  });

  it("a failure leaves the old entries as they were and removes the staging folder", () => {
    // (a failure in the middle of the moves, with old entries already aside, is tested through a user who cannot
    // write: test/output/files.test.ts, "a failure part way through the swap puts the old files back")
    const dir = fresh();
    writeFileSync(join(dir, "customers.csv"), "old");
    const staging = makeStaging(dir);
    writeFileSync(join(staging, "customers.csv"), "new");
    // the target is a path through a file: the swap cannot even make its folder for the old entries
    writeFileSync(join(dir, "blocker"), "a file");
    assert.throws(
      () => swapIn(join(dir, "blocker"), staging, ["customers.csv"]),
      /a part of the output path is a file/,
    );
    assert.equal(readFileSync(join(dir, "customers.csv"), "utf8"), "old");
    assert.ok(!existsSync(staging), "staging removed");
    assert.deepEqual(
      readdirSync(dir).filter((n) => n.startsWith(TEMP_PREFIX)),
      [],
      "no temporary folder left",
    );
  });

  it("discardStaging removes the staging folder, and the output folder when the run created it and it is empty", () => {
    const parent = fresh();
    const dir = join(parent, "out");
    const staging = makeStaging(dir);
    writeFileSync(join(staging, "half.csv"), "half");
    discardStaging(dir, staging, true);
    assert.ok(!existsSync(dir), "the folder the run created is gone");
    const kept = fresh();
    writeFileSync(join(kept, "mine.txt"), "x");
    discardStaging(kept, makeStaging(kept), true);
    assert.deepEqual(readdirSync(kept), ["mine.txt"], "a folder with other entries stays");
  });

  it("OS errors become one line naming the folder", () => {
    const error = (code: string) => Object.assign(new Error(code), { code });
    const cases: [string, RegExp][] = [
      ["EACCES", /^\/out: cannot write the output folder \(permission denied\)$/],
      ["EPERM", /permission denied/],
      ["EROFS", /^\/out: cannot write the output folder \(read-only file system\)$/],
      ["ENOSPC", /^\/out: no space left on the device for the output$/],
      ["EDQUOT", /no space left/],
      ["ENOTDIR", /^\/out: a part of the output path is a file, expected folders$/],
    ];
    for (const [code, message] of cases) {
      const mapped = outputError("/out", error(code));
      assert.ok(mapped instanceof InputError, code);
      assert.match((mapped as Error).message, message, code);
    }
    const other = error("EIO");
    assert.equal(outputError("/out", other), other, "anything else is rethrown as it was");
    // makeStaging on a path through a file: the one line, not a stack trace
    const dir = fresh();
    writeFileSync(join(dir, "file"), "x");
    assert.throws(() => makeStaging(join(dir, "file", "out")), /a part of the output path is a file/);
  });
});
