/**
 * `npm run build -- --model`: the demo's pipeline run saves a model; the demo's lines with every unit price tripled
 * are built into a report with that model. Nothing is refitted: the segments are the model's (names, k, model id),
 * and the methodology page shows the drift figures (the monetary mean moved by about ln 3 training SDs, past the
 * threshold, with the advice to refit). A model file that is not a model: one line, nothing written. One build.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { after, before, describe, test } from "node:test";
import type { Browser } from "playwright-core";
import { loadConfig, PROJECT_ROOT } from "../../loaders/config.ts";
import { ensureDemoData } from "../../loaders/demo/index.ts";
import type { Model } from "../../loaders/model/schema.ts";
import { runPipeline } from "../../loaders/pipeline/index.ts";
import {
  launchChromium,
  openPage,
  pageText,
  requireChromium,
  serveStatic,
  siteData,
  waitForCharts,
  type StaticServer,
} from "../support/browser.ts";
import { runBuild } from "../support/build.ts";

const WORK = join(PROJECT_ROOT, "test-output", "saved-model");

/** The demo's lines with the unit price (6th column) tripled; lines with a quoted description left out. */
function tripledPrices(gz: string): string {
  const lines = gunzipSync(readFileSync(gz)).toString("utf8").trimEnd().split("\n");
  const out = [lines[0]];
  for (const line of lines.slice(1)) {
    if (line.includes('"')) continue;
    const cells = line.split(",");
    cells[5] = String(Number(cells[5]) * 3);
    out.push(cells.join(","));
  }
  return out.join("\n") + "\n";
}

if (requireChromium())
  describe("a report built with a saved model (build --model)", () => {
    let browser: Browser;
    let server: StaticServer;
    let model: Model;
    const site = join(WORK, "site");
    const modelFile = join(WORK, "fit", "model.json");
    const data = join(WORK, "tripled.csv");
    before(async () => {
      rmSync(WORK, { recursive: true, force: true });
      mkdirSync(WORK, { recursive: true });
      const demo = await ensureDemoData();
      const config = loadConfig({
        file: null,
        data: demo,
        env: {},
        overrides: { clustering: { bootstrap_runs: 2, methods: { compare: false } }, migration: { when: "never" } },
      });
      model = (await runPipeline(config, join(WORK, "fit"), { log: () => {} })).model;
      writeFileSync(data, tripledPrices(demo));
      const build = runBuild({ name: "saved-model", data }, ["--out", site, "--model", modelFile]);
      assert.equal(build.status, 0, build.stderr.slice(-3000));
      server = await serveStatic(site);
      browser = await launchChromium();
    });
    after(async () => {
      await browser?.close();
      await server?.close();
      rmSync(WORK, { recursive: true, force: true });
    });

    test("the segments are the model's, and the report names the model", () => {
      const meta = siteData(site, "meta");
      assert.equal(meta.saved_model.model_id, model.model_id);
      assert.equal(meta.saved_model.snapshot_date, model.training.snapshot_date);
      assert.deepEqual(
        meta.segments.map((s: { name: string }) => s.name),
        model.segments.map((s) => s.name),
      );
      const m = siteData(site, "methodology");
      assert.equal(m.k, model.clustering.k);
      assert.deepEqual(
        m.metrics.map((x: { k: number }) => x.k),
        [model.clustering.k],
        "no k search",
      );
      assert.equal(m.method_comparison?.chosen ?? null, null, "no method comparison");
      // drift: the monetary feature's mean (log1p) moved by about ln 3 training SDs
      const sd = model.drift_baseline.feature_sd[model.features.names.indexOf("monetary")];
      const monetary = m.saved_model.features.find((f: { feature: string }) => f.feature === "monetary");
      assert.ok(Math.abs(monetary.shift_sd - Math.log(3) / sd) < 0.1, `${monetary.shift_sd} vs ${Math.log(3) / sd}`);
      assert.match(m.saved_model.warning, /monetary's mean moved .* refit the model/);
      assert.equal(m.saved_model.segments.length, model.segments.length);
      // the value figures come from the model's parameters, not a fit: the page says so, without intervals
      const value = siteData(site, "value");
      assert.ok(value.text.fitted_on.includes(model.model_id), value.text.fitted_on);
      assert.equal(value.totals.expected_revenue_interval, null);
    });

    test("the methodology page shows the drift figures and the advice to refit; the overview names the model", async () => {
      const open = await openPage(browser, server.origin);
      try {
        await open.page.goto(server.origin + "/methodology");
        await waitForCharts(open.page);
        assert.deepEqual(open.log.errors, []);
        const text = await pageText(open.page);
        assert.match(text, /Saved model and drift/);
        assert.ok(text.includes(model.model_id), "the model id");
        assert.match(text, /Shift \(training SDs\)/);
        assert.match(text, /refit the model/);
        for (const s of model.segments) assert.ok(text.includes(s.name), s.name);
        // the glossary's entries for the new sections
        for (const term of [
          "Saved model (model.json)",
          "Drift",
          "Segment migration",
          "Acquisition cohort and return rate",
        ])
          assert.ok(text.includes(term), term);
        await open.page.goto(server.origin + "/");
        await waitForCharts(open.page);
        assert.match(await pageText(open.page), new RegExp(`saved model ${model.model_id}, fitted on`));
      } finally {
        await open.close();
      }
    });

    test("a model file that is not a model: one line, nothing written", () => {
      const bad = join(WORK, "bad.json");
      writeFileSync(bad, JSON.stringify({ rows_in: 3 }));
      const out = join(WORK, "not-written");
      const result = runBuild({ name: "saved-model-bad", data }, ["--out", out, "--model", bad]);
      assert.notEqual(result.status, 0);
      const lines = result.stderr.trimEnd().split("\n");
      assert.equal(lines.length, 1, result.stderr);
      assert.match(lines[0], /bad\.json: not a segment-report model/);
      assert.ok(!existsSync(out));
    });
  });
