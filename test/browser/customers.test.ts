/**
 * `npm run build` on a customer-level table (../shared/data/marketing_campaign.tsv.gz with
 * test/fixtures/customers/marketing.config.json), in Chromium: every page renders without a cell error, no chart
 * is empty, the behaviour page shows spending per group, purchases per channel and campaign responses, and the
 * sections that need transaction lines are left out with a note.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser } from "playwright-core";
import { PROJECT_ROOT } from "../../loaders/config.ts";
import {
  cellErrors,
  charts,
  launchChromium,
  navigationPages,
  openPage,
  pageText,
  requireChromium,
  serveStatic,
  sitePages,
  waitForCharts,
  type StaticServer,
} from "../support/browser.ts";
import { buildReport, NO_SHARED } from "../support/build.ts";
import { requires } from "../support/skip.ts";

const CONFIG = join(PROJECT_ROOT, "test", "fixtures", "customers", "marketing.config.json");
const SHARED_DATA = join(PROJECT_ROOT, "..", "shared", "data", "marketing_campaign.tsv.gz");
const NO_MARKETING = existsSync(SHARED_DATA) ? NO_SHARED : `../shared is absent (${SHARED_DATA})`;

if (requireChromium())
  describe("a customer-level table's report in Chromium", { skip: requires(NO_MARKETING) }, () => {
    let browser: Browser;
    let server: StaticServer;
    let dir = "";
    before(async () => {
      const build = await buildReport({ name: "customers", config: CONFIG });
      assert.equal(build.status, 0, build.stderr);
      dir = build.dir;
      server = await serveStatic(dir);
      browser = await launchChromium();
    });
    after(async () => {
      await browser?.close();
      await server?.close();
    });

    test("every page renders, without cell errors or empty charts; every page in the navigation shows one", async () => {
      const navigation = navigationPages(dir);
      for (const path of sitePages(dir)) {
        const open = await openPage(browser, server.origin);
        try {
          await open.page.goto(server.origin + path);
          await waitForCharts(open.page);
          assert.deepEqual(await cellErrors(open.page), [], path);
          assert.deepEqual(open.log.errors, [], path);
          const drawn = await charts(open.page);
          for (const chart of drawn) assert.ok(chart.dataMarks > 0, `${path}: ${chart.where} has no data marks`);
          // a page the table cannot fill is left out of the navigation (navigation.test.ts checks the list)
          if (navigation.includes(path)) assert.ok(drawn.length > 0, `${path} is in the navigation without a chart`);
        } finally {
          await open.close();
        }
      }
    });

    test("behaviour: the table's sections instead of the line ones, listed once on the methodology page; products: a note", async () => {
      const open = await openPage(browser, server.origin);
      try {
        await open.page.goto(`${server.origin}/behaviour.html`);
        await waitForCharts(open.page);
        const ids = await open.page.$$eval("h2[id]", (hs) =>
          hs.filter((h) => (h as HTMLElement).offsetParent !== null).map((h) => h.id),
        );
        assert.deepEqual(ids, ["spending", "channels", "responses"]);
        const text = await pageText(open.page);
        // the line sections the table cannot fill: no note on the page, one line each in the methodology's list
        assert.doesNotMatch(text, /cannot be computed|Not available/);
        assert.match(text, /Response rate by segment and campaign|AcceptedCmp1/);
        await open.page.goto(`${server.origin}/methodology.html`);
        await open.page.waitForFunction(() => document.body.innerText.includes("Purchase behaviour, Basket size"));
        const methodology = await pageText(open.page);
        assert.equal(
          methodology.split("Purchase behaviour, Basket size: the data has no dated transaction lines.").length - 1,
          1,
        );
        await open.page.goto(`${server.origin}/products.html`);
        await open.page.waitForLoadState("networkidle"); // no chart on this page
        assert.match(
          await pageText(open.page),
          /one row per customer; products, categories and description words are not in it/,
        );
        assert.equal((await charts(open.page)).length, 0);
        await open.page.goto(server.origin + "/");
        await waitForCharts(open.page);
        const home = await pageText(open.page);
        assert.match(
          home,
          /2,216 customers from a table of one row per customer \(marketing_campaign\.tsv\.gz, 2,240 rows\)/,
        );
        assert.match(home, /24 without Income/);
      } finally {
        await open.close();
      }
    });
  });
