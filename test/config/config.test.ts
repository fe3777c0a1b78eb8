import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { DEFAULT_CONFIG, DEMO_DATA, PROJECT_ROOT, loadConfig } from "../../loaders/config.ts";
import { InputError } from "../../loaders/errors.ts";

function configFile(settings: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), "segment-config-"));
  const file = join(dir, "segment.config.json");
  writeFileSync(file, typeof settings === "string" ? settings : JSON.stringify(settings));
  return file;
}

test("defaults: the demo data, auto k chosen in 3..10 (2..10 computed) with 10 restarts, standard scaling of log1p RFM", () => {
  const config = loadConfig({ file: null, env: {} });
  assert.equal(config.data, join(PROJECT_ROOT, DEMO_DATA));
  assert.equal(config.data_source, "default");
  assert.deepEqual(config.clustering.features, ["recency", "frequency", "monetary"]);
  assert.equal(config.clustering.k, "auto");
  assert.equal(config.clustering.k_min, 3);
  assert.equal(config.clustering.k_max, 10);
  assert.equal(config.clustering.restarts, 10);
  assert.equal(config.report.publish_customer_list, false);
});

test("SEGMENT_DATA overrides the data file and resolves from where npm was started", () => {
  const config = loadConfig({ file: null, env: { SEGMENT_DATA: "x/y.csv", INIT_CWD: "/somewhere" } });
  assert.equal(config.data, "/somewhere/x/y.csv");
  assert.equal(config.data_source, "SEGMENT_DATA");
});

test("a config file merges over the defaults; its relative data path is from the file's folder", () => {
  const file = configFile({ data: "sales.tsv", columns: { customer_id: "Client" }, clustering: { k: 4 } });
  const config = loadConfig({ file, env: {} });
  assert.equal(config.data, join(file, "..", "sales.tsv"));
  assert.equal(config.columns.customer_id, "Client");
  assert.equal(config.clustering.k, 4);
  assert.equal(config.clustering.restarts, DEFAULT_CONFIG.clustering.restarts);
});

test("k = 2 stays available: as a fixed k with the default k_min, or to the automatic rule with k_min = 2", () => {
  assert.equal(loadConfig({ file: configFile({ clustering: { k: 2 } }), env: {} }).clustering.k, 2);
  assert.equal(loadConfig({ file: configFile({ clustering: { k_min: 2 } }), env: {} }).clustering.k_min, 2);
  assert.throws(
    () => loadConfig({ file: configFile({ clustering: { k: 1 } }), env: {} }),
    /"clustering.k" should be "auto" or an integer between 2 and k_max/,
  );
});

test("bad settings are one-line errors naming the file and the setting", () => {
  const cases: [unknown, RegExp][] = [
    [{ clustering: { restart: 3 } }, /unknown setting "clustering.restart"/],
    [{ clustering: { k: "four" } }, /"clustering.k" should be "auto" or an integer/],
    [{ clustering: { k_min: 5, k_max: 3 } }, /clustering.k_min\/k_max/],
    [
      { snapshot_date: "12/10/2011" },
      /"snapshot_date" should be a calendar date YYYY-MM-DD or null, got "12\/10\/2011"/,
    ],
    [{ cleaning: { drop_cancellations: "yes" } }, /"cleaning.drop_cancellations" should be a boolean, got string/],
    [{ rfm: { thresholds: { frequency: [1, 2, 2, 5] } } }, /rfm.thresholds.frequency" should be 4 ascending numbers/],
    [{ columns: { shop: "Store" } }, /"columns.shop" should be one of/],
    ["{not json", /not valid JSON/],
  ];
  for (const [settings, message] of cases) {
    const file = configFile(settings);
    assert.throws(
      () => loadConfig({ file, env: {} }),
      (error: unknown) =>
        error instanceof InputError &&
        message.test(error.message) &&
        error.message.includes(file) &&
        !error.message.includes("\n"),
      JSON.stringify(settings),
    );
  }
});

test("a missing config file is an error naming it", () => {
  assert.throws(
    () => loadConfig({ file: "/nonexistent/segment.config.json", env: {} }),
    /\/nonexistent\/segment.config.json: config file not found/,
  );
});
