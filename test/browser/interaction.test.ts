/**
 * The demo report's controls and print output, in Chromium: changing k updates the segment table, a what-if
 * slider changes the impact figure, a region filter changes the country chart; the executive summary prints
 * to PDF with every chart on a page of its own height (none cut), written to test-output/.
 */
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { PROJECT_ROOT } from "../../loaders/config.ts";
import {
  charts,
  labelsOffPage,
  launchChromium,
  openPage,
  pdfPageCount,
  requireChromium,
  serveStatic,
  siteData,
  waitForCharts,
  type ChartInfo,
  type OpenPage,
  type StaticServer,
  waitForChartLabel,
} from "../support/browser.ts";
import { buildReport } from "../support/build.ts";

const OUTPUT = join(PROJECT_ROOT, "test-output");
/** A4 with the report's @page margins (src/style.css: 14mm top and bottom, 12mm left and right), in CSS px */
const MM = 96 / 25.4;
const PRINT = { width: Math.floor((210 - 2 * 12) * MM), height: Math.floor((297 - 2 * 14) * MM) };

/** The chart whose ARIA label starts with `prefix`. */
async function chartNamed(page: Page, prefix: string): Promise<ChartInfo> {
  await waitForChartLabel(page, prefix).catch(() => undefined); // the assertion below names what was drawn instead
  const drawn = await charts(page);
  const found = drawn.find((c) => c.label.startsWith(prefix));
  assert.ok(found, `a chart "${prefix}…" (charts: ${drawn.map((c) => JSON.stringify(c.label)).join(", ")})`);
  return found;
}

/** The value of the headline figure (.kpi) labelled `label`. */
async function kpiValue(page: Page, label: string): Promise<string> {
  const kpi = page.locator(".kpi", { has: page.locator(".label", { hasText: label }) }).first();
  return (await kpi.locator(".value").textContent()) ?? "";
}

/** Body rows of the table with a column `header`, as their text. */
async function tableRows(page: Page, header: string): Promise<string[]> {
  return page.evaluate((header) => {
    const table = [...document.querySelectorAll("table")].find((t) =>
      [...t.querySelectorAll("th")].some((th) => th.textContent?.trim() === header),
    );
    return table
      ? [...table.querySelectorAll("tbody tr")].map((tr) => (tr.textContent ?? "").replace(/\s+/g, " ").trim())
      : [];
  }, header);
}

if (requireChromium())
  describe("the demo report's controls and print output in Chromium", () => {
    let browser: Browser;
    let server: StaticServer;
    let dir: string;

    before(async () => {
      browser = await launchChromium();
      ({ dir } = await buildReport({ name: "demo" }));
      server = await serveStatic(dir);
    });

    /** Opens a page of the site and waits for its charts. */
    async function visit(path: string): Promise<OpenPage> {
      const open = await openPage(browser, server.origin);
      await open.page.goto(server.origin + path);
      await waitForCharts(open.page);
      return open;
    }

    /** No console error, failed or external request happened on the page. */
    function assertClean(open: OpenPage): void {
      assert.deepEqual(open.log.errors, [], "console errors");
      assert.deepEqual(open.log.failed, [], "failed requests");
      assert.deepEqual(open.log.external, [], "requests off the loopback server");
    }

    test("changing k updates the segment table and the share chart", async () => {
      const meta = siteData(dir, "meta");
      const other: number =
        meta.ks.find((k: number) => k !== meta.k && k >= 3) ?? meta.ks.find((k: number) => k !== meta.k);
      const open = await visit("/");
      try {
        const before = await tableRows(open.page, "Recommended action");
        assert.equal(before.length, meta.k, "one row per segment at the recommended k");
        await open.page.getByLabel("Number of segments", { exact: true }).selectOption({ label: String(other) });
        // the charts can be quiet before the redraw starts: wait for the table to change (or time out), then for the charts
        await open.page
          .waitForFunction(
            ({ header, n }) => {
              const table = [...document.querySelectorAll("table")].find((t) =>
                [...t.querySelectorAll("th")].some((th) => th.textContent?.trim() === header),
              );
              return table?.querySelectorAll("tbody tr").length === n;
            },
            { header: "Recommended action", n: other },
            { timeout: 10_000, polling: 50 },
          )
          .catch(() => {});
        await waitForCharts(open.page, 250);
        const after = await tableRows(open.page, "Recommended action");
        assert.equal(after.length, other, `one row per segment at k = ${other}`);
        const names = (rows: string[]): string => rows.map((r) => r.split(" ")[0]).join(",");
        assert.notEqual(names(after), names(before), "other segments");
        assert.equal(
          (await chartNamed(open.page, "Share of customers and share of revenue")).dataMarks,
          2 * other,
          "share bars follow k",
        );
        assertClean(open);
      } finally {
        await open.close();
      }
    });

    test("moving a what-if slider changes the impact figure", async () => {
      const open = await visit("/strategy");
      try {
        const total = "Extra revenue a year";
        const bars = (): Promise<string[]> =>
          open.page.$$eval("svg[aria-label^='Extra annual revenue'] rect > title", (titles) =>
            titles.map((t) => t.textContent ?? ""),
          );
        const before = { figure: await kpiValue(open.page, total), bars: await bars() };
        assert.ok(
          before.bars.some((t) => t.startsWith("Total: ")),
          "the impact chart has a total bar",
        );
        const slider = open.page.locator("form", { hasText: "Customers reactivated (%)" }).locator("input[type=range]");
        const start = Number(await slider.inputValue());
        await slider.focus();
        for (let i = 0; i < 5; i++) await open.page.keyboard.press("ArrowRight");
        await waitForCharts(open.page, 250);
        assert.equal(Number(await slider.inputValue()), start + 5, "the slider moved");
        const after = { figure: await kpiValue(open.page, total), bars: await bars() };
        assert.match(after.figure, /\d/, "the impact figure is a number");
        assert.notEqual(after.figure, before.figure, `the impact figure changed (${before.figure} -> ${after.figure})`);
        const changed = (prefix: string): boolean =>
          before.bars.find((t) => t.startsWith(prefix)) !== after.bars.find((t) => t.startsWith(prefix));
        assert.ok(changed("Win back"), "the win-back bar changed");
        assert.ok(changed("Total"), "the total bar changed");
        assert.ok(!changed("Keep more"), "the other levers did not");
        assertClean(open);
      } finally {
        await open.close();
      }
    });

    test("the region filter changes the country chart", async () => {
      const geo = siteData(dir, "geography");
      const open = await visit("/geography");
      try {
        const all = await chartNamed(open.page, "Segment mix of each country's customers (All regions)");
        const region = "Nordics";
        const expected = geo.countries
          .filter((c: { region: string }) => c.region === region)
          .map((c: { country: string }) => c.country);
        assert.ok(expected.length > 0, `the demo has customers in the ${region}`);
        await open.page.getByLabel("Region", { exact: true }).selectOption({ label: region });
        await waitForCharts(open.page, 250);
        const filtered = await chartNamed(open.page, `Segment mix of each country's customers (${region})`);
        assert.deepEqual(filtered.rowLabels, expected.slice(0, 25), `one bar per ${region} country`);
        assert.notDeepEqual(filtered.rowLabels, all.rowLabels, "the chart changed");
        assertClean(open);
      } finally {
        await open.close();
      }
    });

    after(async () => {
      await browser?.close();
      await server?.close();
    });

    test("the executive summary prints to PDF with every chart whole", async (t) => {
      const open = await openPage(browser, server.origin, { viewport: { width: PRINT.width, height: PRINT.height } });
      try {
        await open.page.goto(server.origin + "/");
        await waitForCharts(open.page);
        const onScreen = await charts(open.page);
        assert.ok(onScreen.length > 0, "the executive summary has charts");
        await open.page.emulateMedia({ media: "print" });
        await waitForCharts(open.page, 250);
        const printed = await charts(open.page);
        assert.equal(printed.length, onScreen.length, "every chart is in the print layout");
        for (const chart of printed) {
          assert.ok(
            chart.width > 0 && chart.height > 0,
            `${chart.where} is drawn in print (${chart.width}x${chart.height})`,
          );
          assert.ok(
            chart.width <= PRINT.width + 1,
            `${chart.where} fits the printed width (${chart.width} > ${PRINT.width}px)`,
          );
          assert.ok(
            chart.height <= PRINT.height,
            `${chart.where} fits one printed page (${chart.height} > ${PRINT.height}px)`,
          );
        }
        // the chart with its legend and caption: one page high and kept whole, so the PDF never splits it
        const figures = await open.page.$$eval("svg", (svgs) =>
          svgs
            .map((svg) => svg.closest("figure"))
            .filter((figure): figure is HTMLElement => !!figure)
            .map((figure) => ({
              label: figure.querySelector("svg")?.getAttribute("aria-label") ?? "",
              height: Math.round(figure.getBoundingClientRect().height),
              kept: ["avoid", "avoid-page"].includes(getComputedStyle(figure).breakInside),
            })),
        );
        assert.equal(figures.length, printed.length, "every chart sits in a figure");
        for (const figure of figures) {
          assert.ok(
            figure.height <= PRINT.height,
            `the figure of "${figure.label}" fits one printed page (${figure.height}px)`,
          );
          assert.ok(figure.kept, `the figure of "${figure.label}" is not split across pages (break-inside: avoid)`);
        }
        assert.deepEqual(await labelsOffPage(open.page), [], "chart labels off the printed page");
        const pdf = await open.page.pdf({ format: "A4", preferCSSPageSize: true, printBackground: true });
        const count = pdfPageCount(pdf);
        mkdirSync(OUTPUT, { recursive: true });
        const file = join(OUTPUT, "executive-summary.pdf");
        writeFileSync(file, pdf);
        t.diagnostic(
          `${relative(PROJECT_ROOT, file)}: ${count} pages, ${(pdf.length / 1e3).toFixed(0)} kB, ${printed.length} charts`,
        );
        assert.ok(count > 0, "the PDF has pages");
        assert.deepEqual(open.log.errors, [], "console errors while printing");
      } finally {
        await open.close();
      }
    });
  });
