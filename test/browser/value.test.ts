/**
 * The "Customer value" page in Chromium, built from the CDNOW sample with a holdout (calibration to 1997-09-30):
 * no console or cell error, no request off the loopback server, and its charts drawn with their marks: the CLV
 * distribution (one box per segment), the P(alive) and expected-orders matrices, the two holdout charts and the
 * churn watch; every sentence of value.json on the page; the strategy page and each segment page carry their value
 * sentences (value-figures.ts); the methodology page lists the parameters with SEs.
 */
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser } from "playwright-core";
import { PROJECT_ROOT } from "../../loaders/config.ts";
import {
  cellErrors,
  charts,
  launchChromium,
  openPage,
  pageText,
  requireChromium,
  serveStatic,
  siteData,
  waitForCharts,
  type StaticServer,
} from "../support/browser.ts";
import { buildReport, NO_SHARED, SHARED } from "../support/build.ts";
import { requires } from "../support/skip.ts";

const WORK = join(PROJECT_ROOT, "test-output", "value-browser");
mkdirSync(WORK, { recursive: true });
const CONFIG = join(WORK, "cdnow-value.config.json");
writeFileSync(
  CONFIG,
  JSON.stringify({
    data: join(SHARED, "data", "cdnow_sample.csv.gz"),
    columns: { customer_id: "customer_id", invoice_date: "date", quantity: "number_of_cds", amount: "dollar_value" },
    clustering: { bootstrap_runs: 3 },
    value: { calibration_end: "1997-09-30" },
  }),
);

if (requireChromium())
  describe("customer value page (CDNOW, holdout)", { skip: requires(NO_SHARED) }, () => {
    let browser: Browser;
    let server: StaticServer;
    let dir: string;
    before(async () => {
      dir = (await buildReport({ name: "cdnow-value", config: CONFIG })).dir;
      browser = await launchChromium();
      server = await serveStatic(dir);
    });
    after(async () => {
      await browser?.close();
      await server?.close();
    });

    test("renders every chart and sentence, offline and without errors", async () => {
      const value = siteData(dir, "value");
      assert.equal(value.fitted, true);
      const open = await openPage(browser, server.origin);
      try {
        await open.page.goto(`${server.origin}/value`);
        await waitForCharts(open.page);
        assert.deepEqual(open.log.errors, []);
        assert.deepEqual(open.log.external, []);
        assert.deepEqual(open.log.failed, []);
        assert.deepEqual(await cellErrors(open.page), []);
        const drawn = await charts(open.page);
        const find = (prefix: string) => {
          const c = drawn.find((d) => d.label.startsWith(prefix));
          assert.ok(c, `chart "${prefix}" (${drawn.map((d) => d.label).join(" | ")})`);
          return c;
        };
        assert.ok(find("Customer lifetime value").dataMarks >= value.segments.length);
        const cells = value.matrix.frequency.length * value.matrix.since_last.length;
        assert.equal(find("Probability of being active").dataMarks, cells);
        assert.equal(find("Expected orders over").dataMarks, cells);
        assert.ok(find("Holdout transactions per customer").marks > 0);
        assert.ok(find("Cumulative transactions in the holdout").marks > 0);
        if (value.churn_watch.segments.length) assert.ok(find("Revenue at stake").dataMarks > 0);
        const text = await pageText(open.page);
        const sentences = [
          value.text.headline,
          value.text.fitted_on,
          value.text.one_off,
          ...(value.text.dropout ? [value.text.dropout] : []),
          value.text.holdout,
          value.text.churn,
          value.text.spend_assumption,
          ...value.text.segments,
        ];
        for (const s of sentences) assert.ok(text.includes(s), `on the page: ${s}`);
        assert.equal(value.churn_watch.rows, null, "no per-customer rows without publish_customer_list");
      } finally {
        await open.close();
      }
    });

    test("the strategy page and each segment page carry the value sentences", async () => {
      const strategy = siteData(dir, "strategy");
      assert.equal(strategy.value.fitted, true);
      const open = await openPage(browser, server.origin);
      try {
        await open.page.goto(`${server.origin}/strategy`);
        await waitForCharts(open.page);
        assert.deepEqual(await cellErrors(open.page), []);
        let text = await pageText(open.page);
        assert.ok(text.includes(strategy.value.text), strategy.value.text);
        // the levers start on their default segments: each default's sentence about the members it applies to
        const lever = (name: string | null) =>
          strategy.segments.find((s: { name: string }) => s.name === name)?.value.levers;
        const shown = [
          lever(strategy.defaults.top)?.keep,
          lever(strategy.defaults.promising)?.grow,
          lever(strategy.defaults.at_risk)?.win,
        ].filter(Boolean);
        assert.ok(shown.length > 0);
        for (const s of shown) assert.ok(text.includes(s), `on the strategy page: ${s}`);
        for (const seg of strategy.segments) {
          const page = siteData(dir, `segment/${seg.slug}`);
          await open.page.goto(`${server.origin}/segment/${seg.slug}`);
          await waitForCharts(open.page);
          assert.deepEqual(await cellErrors(open.page), []);
          text = await pageText(open.page);
          for (const s of page.value.text) assert.ok(text.includes(s), `on ${seg.name}'s page: ${s}`);
        }
        assert.deepEqual(open.log.errors, []);
      } finally {
        await open.close();
      }
    });

    test("methodology lists the fitted parameters with their standard errors", async () => {
      const m = siteData(dir, "methodology");
      assert.equal(m.value.fitted, true);
      assert.equal(m.value.parameters.length, 7);
      const open = await openPage(browser, server.origin);
      try {
        await open.page.goto(`${server.origin}/methodology`);
        await waitForCharts(open.page);
        assert.deepEqual(await cellErrors(open.page), []);
        const text = await pageText(open.page);
        assert.ok(text.includes("Customer value models"));
        assert.ok(text.includes("Standard error"));
      } finally {
        await open.close();
      }
    });
  });
