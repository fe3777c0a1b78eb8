/**
 * Issue 23 #6, #8, #14: settings that would hang a run or give wrong figures are refused in one line naming the
 * setting: restarts and bootstrap_runs beyond 1000, a snapshot day still to come, one column as two of quantity,
 * unit price and amount, a column listed twice in a customer table's monetary; a config saved with a UTF-8
 * byte-order mark is read, and a key named like an Object method ("constructor") is an unknown setting.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { loadConfig } from "../../loaders/config.ts";
import { InputError } from "../../loaders/errors.ts";

const TMP = mkdtempSync(join(tmpdir(), "segment-config-bounds-"));
after(() => rmSync(TMP, { recursive: true, force: true }));

function refused(settings: Record<string, unknown>, pattern: RegExp): void {
  assert.throws(
    () => loadConfig({ file: null, env: {}, overrides: settings }),
    (e: Error) => e instanceof InputError && pattern.test(e.message) && !e.message.includes("\n"),
  );
}

describe("bounded and consistent settings (issue 23 #6, #8)", () => {
  it("restarts and bootstrap_runs have an upper limit", () => {
    refused({ clustering: { restarts: 1_000_000 } }, /"clustering\.restarts" should be at most 1000, got 1000000/);
    refused({ clustering: { bootstrap_runs: 5000 } }, /"clustering\.bootstrap_runs" should be at most 1000/);
    assert.equal(
      loadConfig({ file: null, env: {}, overrides: { clustering: { restarts: 1000 } } }).clustering.restarts,
      1000,
    );
  });

  it("a snapshot day still to come is refused", () => {
    refused(
      { snapshot_date: "2999-01-01" },
      /"snapshot_date" should be a day no later than today \(\d{4}-\d\d-\d\d\), got 2999-01-01/,
    );
    assert.equal(
      loadConfig({ file: null, env: {}, overrides: { snapshot_date: "2011-12-10" } }).snapshot_date,
      "2011-12-10",
    );
  });

  it("one column as quantity and unit price, or a column listed twice in monetary, is refused", () => {
    refused(
      { columns: { quantity: "Qty", unit_price: "Qty" } },
      /"columns\.unit_price" should be a column other than columns\.quantity's \("Qty"\)/,
    );
    refused(
      {
        layout: "customers",
        columns: { customer_id: "ID", recency: "Recency", frequency: "F", monetary: ["MntWines", "MntWines"] },
      },
      /"columns\.monetary" should be a list of different columns \(MntWines is listed twice\)/,
    );
  });
});

describe("configuration files (issue 23 #14)", () => {
  it("a config saved with a UTF-8 byte-order mark is read", () => {
    const file = join(TMP, "bom.json");
    writeFileSync(file, "\uFEFF" + JSON.stringify({ clustering: { k_max: 5 } }));
    assert.equal(loadConfig({ file, env: {} }).clustering.k_max, 5);
  });

  it('a key "constructor" is an unknown setting', () => {
    const file = join(TMP, "constructor.json");
    writeFileSync(file, JSON.stringify({ constructor: 1 }));
    assert.throws(
      () => loadConfig({ file, env: {} }),
      (e: Error) => e instanceof InputError && /unknown setting "constructor"/.test(e.message),
    );
  });
});
