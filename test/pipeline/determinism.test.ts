/** Same input and config give byte-identical outputs: the pipeline's files and every page data file. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { loadConfig, PROJECT_ROOT } from "../../loaders/config.ts";
import { computeReport } from "../../loaders/pipeline/index.ts";
import { generateSmall } from "../support/report.ts";

function runCli(data: string): string {
  const out = mkdtempSync(join(tmpdir(), "segment-determinism-"));
  const result = spawnSync(process.execPath, ["loaders/cli/launch.mjs", "pipeline", "--data", data, "--out", out], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
  });
  assert.equal(result.status, 0, result.stderr);
  return out;
}

test("two pipeline runs write byte-identical customers.csv and summary.json", () => {
  const { data } = generateSmall(3);
  const [a, b] = [runCli(data), runCli(data)];
  for (const file of ["customers.csv", "summary.json"]) {
    assert.ok(readFileSync(join(a, file)).equals(readFileSync(join(b, file))), `${file} differs between runs`);
  }
  const header = readFileSync(join(a, "customers.csv"), "utf8").split("\n")[0];
  assert.match(
    header,
    /^customer_id,recency,frequency,monetary,.*,r_score,f_score,m_score,rfm_cell,rfm_segment,cluster,segment,cluster_gmm,cluster_ward,cluster_dbscan,p_alive,expected_orders,expected_order_value,clv$/,
  );
  const summary = JSON.parse(readFileSync(join(a, "summary.json"), "utf8"));
  assert.equal(summary.kmeans.length, 9, "every k in 2..10 is kept");
  for (const key of [
    "rows_in",
    "rows_kept",
    "dropped",
    "customers",
    "revenue",
    "snapshot_date",
    "period_start",
    "period_end",
    "k",
    "clusters",
    "rfm_segments",
    "validation",
  ])
    assert.ok(key in summary, `summary.json has ${key}`);
});

test("two computations of the report data give identical page data files", async () => {
  const { data } = generateSmall(3);
  const config = loadConfig({ file: null, env: {}, data, overrides: { clustering: { k_max: 5, bootstrap_runs: 3 } } });
  const [a, b] = [await computeReport(config), await computeReport(config)];
  assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort());
  for (const name of Object.keys(a)) assert.equal(JSON.stringify(a[name]), JSON.stringify(b[name]), name);
});
