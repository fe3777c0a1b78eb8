/**
 * Every page of the report built from the demo data, in Chromium: no console error, no failed request, no
 * request off the loopback server; every chart drawn with its marks and labels, and at least one on every page in
 * the navigation; the page-specific chart
 * shapes; screenshots at desktop and phone widths in light and dark; the executive summary's weight; no
 * customer id in anything the browser received; render times (a benchmark, printed and written to
 * test-output/browser-timings.json).
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { PROJECT_ROOT } from "../../loaders/config.ts";
import {
  DESKTOP,
  PHONE,
  cellErrors,
  charts,
  dialogs,
  labelsOffPage,
  launchChromium,
  navigationPages,
  openPage,
  overflow,
  pageName,
  requireChromium,
  resizeTo,
  serveStatic,
  siteData,
  sitePages,
  waitForCharts,
  type ChartInfo,
  type StaticServer,
} from "../support/browser.ts";
import { buildReport } from "../support/build.ts";

const OUTPUT = join(PROJECT_ROOT, "test-output");
/** this suite's screenshots, replaced on every run */
const SCREENSHOTS = join(OUTPUT, "screenshots", "demo");
/** the executive summary's budget, all transferred bytes (the server sends them uncompressed) */
const MAX_SUMMARY_BYTES = 1_500_000;

/** What a page must show beyond the checks every page gets: matched by path, run on the loaded page. */
interface PageCheck {
  match: (path: string) => boolean;
  run: (page: Page, drawn: ChartInfo[]) => Promise<void>;
}

/** The chart whose ARIA label starts with `prefix` (a clear failure when the page has none). */
function chart(drawn: ChartInfo[], prefix: string): ChartInfo {
  const found = drawn.find((c) => c.label.startsWith(prefix));
  assert.ok(found, `a chart "${prefix}…" (charts: ${drawn.map((c) => JSON.stringify(c.label)).join(", ")})`);
  return found;
}

/** Rows of the HTML table whose header has a column `header`. */
async function tableRows(page: Page, header: string): Promise<number> {
  return page.evaluate((header) => {
    const table = [...document.querySelectorAll("table")].find((t) =>
      [...t.querySelectorAll("th")].some((th) => th.textContent?.trim() === header),
    );
    return table ? table.querySelectorAll("tbody tr").length : -1;
  }, header);
}

const WEEKDAYS = 7;

/** Page checks, with the expected counts taken from the site's own data files. */
function pageChecks(dir: string): PageCheck[] {
  const meta = siteData(dir, "meta");
  const k: number = meta.k;
  return [
    {
      match: (path) => path === "/",
      run: async (page, drawn) => {
        assert.equal(await tableRows(page, "Recommended action"), k, "segment table: one row per segment");
        assert.equal(
          chart(drawn, "Share of customers and share of revenue").dataMarks,
          2 * k,
          "share bars: two per segment",
        );
        assert.ok(chart(drawn, "Lorenz curve").ticks >= 4, "Lorenz curve: axis ticks");
        assert.ok(chart(drawn, "Cleaning account").dataMarks >= 2, "cleaning account: input and kept bars at least");
      },
    },
    {
      match: (path) => path === "/segments",
      run: async (_page, drawn) => {
        const pca = siteData(dir, "pca");
        const kd = siteData(dir, "segments").by_k[k];
        assert.equal(
          chart(drawn, "Customers on the first two principal components").dataMarks,
          pca.shown,
          "PCA: one dot per customer shown",
        );
        assert.ok(chart(drawn, "Customers on the first two principal components").ticks > 0, "PCA: axis ticks");
        assert.equal(
          chart(drawn, "Standardised feature means").dataMarks,
          k * kd.standardised.features.length,
          "k x features cells",
        );
        assert.equal(
          chart(drawn, "Share of each segment's customers by RFM segment").dataMarks,
          k * kd.crosstab.segments.length,
          "k x RFM segments cells",
        );
      },
    },
    {
      match: (path) => path === "/rfm",
      run: async (_page, drawn) => {
        const rfm = siteData(dir, "rfm");
        for (const score of ["recency", "frequency", "monetary"]) {
          const bars = chart(drawn, `Customers per ${score} score`);
          assert.equal(bars.dataMarks, 5, `${score}: one bar per score`);
          assert.ok(bars.ticks >= 5, `${score}: score labels on the axis`);
        }
        const named = rfm.segments.filter((d: { customers: number }) => d.customers > 0).length;
        assert.equal(
          chart(drawn, "Treemap of segments").dataMarks,
          named,
          "treemap: one tile per RFM segment with customers",
        );
        assert.equal(chart(drawn, "Mean spend by recency score and frequency score").dataMarks, 25, "5 x 5 grid");
      },
    },
    {
      match: (path) => path === "/behaviour",
      run: async (_page, drawn) => {
        const hours = siteData(dir, "behaviour").weekly.all.map((row: number[]) => row[1]);
        const span = Math.max(...hours) - Math.min(...hours) + 1;
        const heat = chart(drawn, "Orders by weekday and hour");
        assert.equal(heat.dataMarks, WEEKDAYS * span, `weekday x hour heatmap: 7 x ${span} cells`);
        assert.ok(heat.labels >= WEEKDAYS + span, "weekday and hour labels");
        for (const title of ["Units per order", "Order value", "Returned units"]) {
          assert.equal(chart(drawn, title).dataMarks, k, `${title}: one mark per segment`);
          assert.ok(chart(drawn, title).ticks > 0, `${title}: axis ticks`);
        }
        assert.ok(
          chart(drawn, "Monthly revenue: all customers and each segment").ticks > 0,
          "monthly revenue: axis ticks",
        );
      },
    },
    {
      match: (path) => path === "/geography",
      run: async (page, drawn) => {
        const geo = siteData(dir, "geography");
        const regions = new Set(geo.countries.map((c: { region: string }) => c.region));
        assert.equal(
          chart(drawn, "Segment mix of each region").rowLabels.length,
          regions.size,
          "one bar per region with customers",
        );
        const countries = chart(drawn, "Segment mix of each country's customers (All regions)");
        assert.equal(countries.rowLabels.length, Math.min(25, geo.countries.length), "one bar per country (up to 25)");
        assert.ok(countries.ticks > 0, "country chart: axis ticks");
        // the region table: each share with its Wilson interval, a dash below the minimum size (issue 19)
        const cells = await page.evaluate(() => {
          const table = [...document.querySelectorAll("table")].find((t) =>
            [...t.querySelectorAll("th")].some((th) => th.textContent?.trim() === "Region"),
          );
          return table
            ? [...table.querySelectorAll("tbody tr")].map((tr) =>
                [...tr.querySelectorAll("td")].map((td) => td.textContent?.trim() ?? ""),
              )
            : [];
        });
        const shares = geo.by_k[String(k)].region_shares;
        assert.ok(cells.length > 0, "region table");
        for (const [region, , top, inactive] of cells)
          for (const [text, share] of [
            [top, shares[region].top],
            [inactive, shares[region].inactive],
          ])
            assert.match(text, share ? /^\d+\.\d% \(\d+\.\d%–\d+\.\d%\)$/ : /too few/, `${region}: ${text}`);
      },
    },
    {
      match: (path) => path === "/products",
      run: async (page, drawn) => {
        const products = siteData(dir, "products").all;
        assert.equal(await tableRows(page, "Product"), products.products.length, "top products table");
        assert.equal(
          chart(drawn, "Share of revenue by product category").dataMarks,
          products.categories.length,
          "one bar per category",
        );
        const cloud = chart(drawn, "Most frequent words");
        assert.ok(
          cloud.marks >= Math.min(10, products.words.length) && cloud.marks <= products.words.length,
          `word cloud: ${cloud.marks} words`,
        );
      },
    },
    {
      match: (path) => path === "/strategy",
      run: async (_page, drawn) => {
        const impact = chart(drawn, "Extra annual revenue per lever");
        assert.equal(impact.dataMarks, 4, "three levers and the total");
        assert.ok(impact.ticks > 0, "impact: axis ticks");
      },
    },
    {
      match: (path) => path === "/methodology",
      run: async (_page, drawn) => {
        for (const metric of ["Inertia", "Mean silhouette", "Davies-Bouldin", "Calinski-Harabasz"]) {
          const line = chart(drawn, `${metric} against the number of segments`);
          assert.ok(line.dataMarks >= meta.ks.length, `${metric}: a point per k`);
          assert.ok(line.ticks > 0, `${metric}: axis ticks`);
        }
      },
    },
    {
      match: (path) => path.startsWith("/segment/"),
      run: async (_page, drawn) => {
        const heat = chart(drawn, "Orders of ");
        assert.ok(
          heat.dataMarks > 0 && heat.dataMarks % WEEKDAYS === 0,
          `weekday x hour heatmap: 7 x N cells (${heat.dataMarks})`,
        );
        assert.ok(chart(drawn, "Monthly revenue of ").ticks > 0, "monthly revenue: axis ticks");
        assert.ok(chart(drawn, "Countries of the ").dataMarks > 0, "countries: bars");
      },
    },
  ];
}

interface Timing {
  page: string;
  /** ms from navigation start to the last chart drawn or resized */
  last_chart_ms: number;
  /** ms until load, network idle and the charts settled (what the test waited) */
  settled_ms: number;
  charts: number;
  bytes: number;
  requests: number;
}

if (requireChromium())
  describe("the demo report in Chromium", () => {
    let browser: Browser;
    let server: StaticServer;
    let pages: string[] = [];
    /** the pages in its navigation (sidebar), as sitePages names them */
    let navigation: string[] = [];
    let checks: PageCheck[] = [];
    const timings: Timing[] = [];
    /** every loopback response body any page received, for the privacy check */
    const bodies = new Map<string, Buffer>();

    before(async () => {
      browser = await launchChromium();
      const { dir } = await buildReport({ name: "demo" });
      server = await serveStatic(dir);
      pages = sitePages(dir);
      navigation = navigationPages(dir);
      checks = pageChecks(dir);
      rmSync(SCREENSHOTS, { recursive: true, force: true });
      mkdirSync(SCREENSHOTS, { recursive: true });
    });

    after(async () => {
      await browser?.close();
      await server?.close();
    });

    /** Every chart has a size, marks and labels. */
    function assertDrawn(drawn: ChartInfo[]): void {
      for (const chart of drawn) {
        assert.ok(chart.width > 0 && chart.height > 0, `${chart.where} has a size (${chart.width}x${chart.height})`);
        assert.ok(chart.marks > 0, `${chart.where} draws marks`);
        assert.ok(chart.labels > 0, `${chart.where} has labels`);
      }
    }

    /** Takes a full-page screenshot after the charts have settled; returns its path relative to the project. */
    async function screenshot(page: Page, path: string, variant: string): Promise<string> {
      await page.waitForTimeout(100);
      await waitForCharts(page, 250);
      const file = join(SCREENSHOTS, `${pageName(path)}-${variant}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return relative(PROJECT_ROOT, file);
    }

    test("every page: clean console and network, charts drawn, screenshots", async (t) => {
      assert.ok(pages.includes("/"), `the site has an executive summary (pages: ${pages.join(", ")})`);
      for (const path of pages) {
        await t.test(path, async (t) => {
          const open = await openPage(browser, server.origin, { keepBodies: true });
          try {
            const started = Date.now();
            const response = await open.page.goto(server.origin + path);
            assert.equal(response?.status(), 200, `${path} answers 200`);
            const lastChart = await waitForCharts(open.page);
            const settled = Date.now() - started;
            const drawn = await charts(open.page);
            const { bytes, requests } = open.log;
            timings.push({
              page: path,
              last_chart_ms: lastChart,
              settled_ms: settled,
              charts: drawn.length,
              bytes,
              requests: requests.length,
            });

            assert.deepEqual(open.log.external, [], "requests to hosts other than the loopback server");
            assert.deepEqual(open.log.failed, [], "failed requests");
            assert.deepEqual(open.log.errors, [], "console errors");
            assert.deepEqual(await cellErrors(open.page), [], "cells that threw");
            assert.deepEqual(await dialogs(open), [], "dialogs");
            assertDrawn(drawn);
            // a page the data cannot fill is left out of the navigation, not shown with notes only
            // (loaders/site/navigation.ts; navigation.test.ts checks the list, and Online Retail's pages)
            if (navigation.includes(path)) assert.ok(drawn.length > 0, "a page in the navigation shows a chart");
            const check = checks.find((c) => c.match(path));
            if (check) await check.run(open.page, drawn);
            const wide = await overflow(open.page);
            assert.ok(
              !wide.overflows,
              `no horizontal overflow at ${DESKTOP.width}px (document ${wide.scrollWidth}px wide)`,
            );
            assert.deepEqual(await labelsOffPage(open.page), [], `chart labels cut off at ${DESKTOP.width}px`);

            const shots = [await screenshot(open.page, path, "desktop-light")];
            await resizeTo(open.page, PHONE);
            shots.push(await screenshot(open.page, path, "phone-light"));
            const narrow = await overflow(open.page);
            assert.ok(
              !narrow.overflows,
              `no horizontal overflow at ${PHONE.width}px (document ${narrow.scrollWidth}px wide)`,
            );
            // reported, not asserted: the issue asks for phone screenshots, not a label check at this width
            for (const cut of await labelsOffPage(open.page)) t.diagnostic(`label cut off at ${PHONE.width}px: ${cut}`);
            await open.page.emulateMedia({ colorScheme: "dark" });
            shots.push(await screenshot(open.page, path, "phone-dark"));
            await resizeTo(open.page, DESKTOP);
            shots.push(await screenshot(open.page, path, "desktop-dark"));
            t.diagnostic(`screenshots: ${shots.join(", ")}`);
            // resizing and the dark theme redraw the charts: all still there, no error
            const redrawn = await charts(open.page);
            assert.equal(redrawn.length, drawn.length, "every chart still drawn after resizing and switching to dark");
            assertDrawn(redrawn);
            assert.deepEqual(open.log.errors, [], "console errors after resizing and switching to dark");
            assert.deepEqual(await cellErrors(open.page), [], "cells that threw after resizing and switching to dark");

            await open.settled();
            for (const { url, body } of open.log.bodies) bodies.set(url.replace(server.origin, ""), body);
          } finally {
            await open.close();
          }
        });
      }
    });

    test(`the executive summary transfers at most ${(MAX_SUMMARY_BYTES / 1e6).toFixed(1)} MB`, (t) => {
      const summary = timings.find((r) => r.page === "/");
      assert.ok(summary, "the executive summary was loaded");
      t.diagnostic(
        `executive summary: ${(summary.bytes / 1e6).toFixed(2)} MB in ${summary.requests} requests (uncompressed, cold cache)`,
      );
      assert.ok(summary.bytes > 0, "bytes were counted");
      assert.ok(summary.bytes <= MAX_SUMMARY_BYTES, `${summary.bytes} bytes transferred, budget ${MAX_SUMMARY_BYTES}`);
    });

    test("no customer id in anything the browser received", () => {
      assert.ok(bodies.size > 0, "responses were recorded");
      const personas = readFileSync(join(PROJECT_ROOT, "data", "demo", "personas.csv"), "utf8")
        .trim()
        .split("\n")
        .slice(1);
      const ids = new Set(personas.map((line) => line.split(",")[0]));
      assert.ok(ids.size > 0, "persona customer ids");
      const fields: string[] = [];
      const quoted: string[] = [];
      const bare = new Set<string>();
      for (const [url, body] of bodies) {
        const text = body.toString("utf8");
        if (/"customer_?id"\s*:/i.test(text) || (url.endsWith(".csv") && /customer_?id/i.test(text.split("\n")[0])))
          fields.push(url);
        for (const match of text.matchAll(/["'](\d{5})["']/g))
          if (ids.has(match[1])) quoted.push(`${match[1]} in ${url}`);
        for (const match of text.matchAll(/(?<![\w.])\d{5}(?![\w.])/g)) if (ids.has(match[0])) bare.add(match[0]);
      }
      assert.deepEqual(fields, [], "responses with a customer id field or column");
      assert.deepEqual(quoted.slice(0, 10), [], "customer ids written as strings (ids are strings in the pipeline)");
      // the demo ids are dense 5-digit numbers, so counts and amounts coincide with some; a customer list would match most
      assert.ok(
        bare.size <= ids.size * 0.05,
        `${bare.size} of ${ids.size} customer ids appear as numbers in the responses`,
      );
    });

    test("render times: one measured row per page, written to browser-timings.json (benchmark)", (t) => {
      // the times themselves are a benchmark (no target here); what is checked is that every page was measured
      assert.deepEqual(
        timings.map((r) => r.page),
        pages,
        "a timing for every page, in order",
      );
      for (const r of timings) {
        assert.ok(Number.isFinite(r.settled_ms) && r.settled_ms >= 0, `${r.page}: settled after ${r.settled_ms} ms`);
        assert.ok(r.requests > 0 && r.bytes > 0, `${r.page}: requests and bytes were counted`);
      }
      const file = join(OUTPUT, "browser-timings.json");
      writeFileSync(
        file,
        JSON.stringify({ measured: new Date().toISOString(), chromium: browser.version(), pages: timings }, null, 2) +
          "\n",
      );
      assert.equal(JSON.parse(readFileSync(file, "utf8")).pages.length, pages.length, "written with every page");
      const width = Math.max(4, ...timings.map((r) => r.page.length));
      const columns = ["chart ms", "total ms", "charts", "kB", "requests"];
      t.diagnostic([`${"page".padEnd(width)}`, ...columns.map((c) => c.padStart(9))].join(" "));
      for (const r of timings) {
        const cells = [r.last_chart_ms, r.settled_ms, r.charts, Math.round(r.bytes / 1e3), r.requests];
        t.diagnostic([r.page.padEnd(width), ...cells.map((c) => String(c).padStart(9))].join(" "));
      }
      t.diagnostic(`written to ${relative(PROJECT_ROOT, file)}`);
    });
  });
