/**
 * The report built from hostile and odd data (test/fixtures/hostile: markup, quotes, entities, emoji,
 * right-to-left text and a 520-character word in product descriptions and country names), in Chromium:
 * every such value shows as literal text, no script runs, nothing leaves the loopback server and the
 * layout holds at desktop width.
 */
import assert from "node:assert/strict";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { join, relative } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser } from "playwright-core";
import { PROJECT_ROOT } from "../../loaders/config.ts";
import { waitForReport } from "../../loaders/publish/pdf.ts";
import { assembleSingleFile } from "../../loaders/publish/single-file.ts";
import {
  PHONE,
  cellErrors,
  charts,
  dialogs,
  launchChromium,
  openPage,
  overflow,
  pageName,
  pageText,
  requireChromium,
  resizeTo,
  serveStatic,
  sitePages,
  waitForCharts,
  type StaticServer,
  waitForChartLabel,
} from "../support/browser.ts";
import { buildReport } from "../support/build.ts";
import { HOSTILE_COUNTRIES, HOSTILE_DESCRIPTIONS } from "../fixtures/hostile/strings.ts";

const FIXTURE = join(PROJECT_ROOT, "test", "fixtures", "hostile");
/** this suite's screenshots, replaced on every run */
const SCREENSHOTS = join(PROJECT_ROOT, "test-output", "screenshots", "hostile");

if (requireChromium())
  describe("hostile data in Chromium", () => {
    let browser: Browser;
    let server: StaticServer;
    let pages: string[] = [];
    let dir: string;
    /** page -> its visible text */
    const texts = new Map<string, string>();

    before(async () => {
      browser = await launchChromium();
      ({ dir } = await buildReport({
        name: "hostile",
        data: join(FIXTURE, "transactions.csv"),
        config: join(FIXTURE, "segment.config.json"),
      }));
      server = await serveStatic(dir);
      pages = sitePages(dir);
      rmSync(SCREENSHOTS, { recursive: true, force: true });
      mkdirSync(SCREENSHOTS, { recursive: true });
    });

    after(async () => {
      await browser?.close();
      await server?.close();
    });

    test("every page: no script runs, nothing breaks, the layout holds", async (t) => {
      for (const path of pages) {
        await t.test(path, async (t) => {
          const open = await openPage(browser, server.origin);
          try {
            assert.equal((await open.page.goto(server.origin + path))?.status(), 200, `${path} answers 200`);
            await waitForCharts(open.page);
            assert.deepEqual(await dialogs(open), [], "alert/confirm/prompt called or a dialog shown");
            const injected = await open.page.$$eval("body img[src='x'], body img[onerror], body [onerror]", (nodes) =>
              nodes.map((node) => node.outerHTML.slice(0, 120)),
            );
            assert.deepEqual(injected, [], "elements made from the data's markup");
            const scripts = await open.page.$$eval("body script", (nodes) =>
              nodes
                .filter((node) => (node.textContent ?? "").includes("alert(1)"))
                .map((node) => node.outerHTML.slice(0, 120)),
            );
            assert.deepEqual(scripts, [], "script elements carrying the data's script");
            assert.deepEqual(open.log.external, [], "requests to hosts other than the loopback server");
            assert.deepEqual(open.log.failed, [], "failed requests");
            assert.deepEqual(open.log.errors, [], "console errors");
            assert.deepEqual(await cellErrors(open.page), [], "cells that threw");
            for (const chart of await charts(open.page)) {
              assert.ok(
                chart.width > 0 && chart.height > 0,
                `${chart.where} has a size (${chart.width}x${chart.height})`,
              );
            }
            const wide = await overflow(open.page);
            assert.ok(
              !wide.overflows,
              `no horizontal overflow at desktop width: document ${wide.scrollWidth}px, viewport ${wide.innerWidth}px`,
            );
            texts.set(path, await pageText(open.page));
            const file = join(SCREENSHOTS, `${pageName(path)}-desktop-light.png`);
            await open.page.screenshot({ path: file, fullPage: true });
            t.diagnostic(`screenshot: ${relative(PROJECT_ROOT, file)}`);
            await resizeTo(open.page, PHONE);
            await waitForCharts(open.page, 250);
            const narrow = await overflow(open.page);
            assert.ok(
              !narrow.overflows,
              `no horizontal overflow at phone width: document ${narrow.scrollWidth}px, viewport ${narrow.innerWidth}px`,
            );
            assert.deepEqual(await dialogs(open), [], "alert/confirm/prompt called after resizing");
            assert.deepEqual(open.log.errors, [], "console errors after resizing");
          } finally {
            await open.close();
          }
        });
      }
    });

    test("filtering to the unplaced countries redraws their hostile names as labels, safely", async () => {
      const open = await openPage(browser, server.origin);
      try {
        await open.page.goto(server.origin + "/geography");
        await waitForCharts(open.page);
        await open.page.getByLabel("Region", { exact: true }).selectOption({ label: "Other / unknown" });
        // the redraw is asynchronous: wait for the region's chart itself
        await waitForChartLabel(open.page, "Segment mix of each country's customers (Other");
        const chart = (await charts(open.page)).find((c) =>
          c.label.startsWith("Segment mix of each country's customers (Other"),
        );
        assert.ok(chart, "the country chart for Other / unknown");
        assert.deepEqual(
          [...chart.rowLabels].sort(),
          [...HOSTILE_COUNTRIES].sort(),
          "one bar per hostile country, labelled with its name as given",
        );
        assert.deepEqual(await dialogs(open), [], "alert/confirm/prompt called");
        assert.deepEqual(open.log.errors, [], "console errors");
        assert.deepEqual(open.log.failed, [], "failed requests");
      } finally {
        await open.close();
      }
    });

    test("report.html of the hostile data: no script runs, every hostile value shows as text", async () => {
      const file = join(PROJECT_ROOT, "test-output", "publish-hostile", "report.html");
      mkdirSync(join(file, ".."), { recursive: true });
      writeFileSync(file, (await assembleSingleFile(dir)).html);
      const open = await openPage(browser, "file://");
      try {
        await open.page.goto(pathToFileURL(file).href);
        await waitForReport(open.page);
        assert.deepEqual(open.log.external, [], "requests off the file");
        assert.deepEqual(await dialogs(open), [], "alert/confirm/prompt called or a dialog shown");
        assert.deepEqual(open.log.errors, [], "console errors");
        assert.deepEqual(await cellErrors(open.page), [], "cells that threw");
        const text = await pageText(open.page);
        for (const value of [...HOSTILE_DESCRIPTIONS, ...HOSTILE_COUNTRIES]) {
          assert.ok(text.includes(value), `${JSON.stringify(value.slice(0, 60))} appears as text in report.html`);
        }
      } finally {
        await open.close();
      }
    });

    test("every hostile description and country shows as literal text", () => {
      assert.ok(texts.size > 0, "pages were read");
      const all = [...texts.values()].join("\n");
      for (const value of [...HOSTILE_DESCRIPTIONS, ...HOSTILE_COUNTRIES]) {
        const shown = [...texts].filter(([, text]) => text.includes(value)).map(([path]) => path);
        assert.ok(
          shown.length > 0,
          `${JSON.stringify(value.slice(0, 60))}${value.length > 60 ? "…" : ""} appears as text on no page`,
        );
      }
      // entities stay as typed: not decoded to "&", not escaped twice
      assert.ok(!all.includes("&amp;amp;"), "&amp; escaped twice");
    });
  });
