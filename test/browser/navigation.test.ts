/**
 * The navigation follows the data (loaders/site/navigation.ts, report/registry.ts):
 * - on the demo data, Online Retail and marketing_campaign every page in the navigation shows at least one chart
 *   (a page the data cannot fill is left out, not shown with notes only): Online Retail's pages are loaded here;
 *   the demo's and marketing_campaign's where every page of those sites is loaded already (pages.test.ts,
 *   customers.test.ts), and here their navigation lists;
 * - an analyst's own page, `src/NAME.md` alone (test/fixtures/pages/revenue-by-rfm.md, added to a temporary copy
 *   of the project, never to src/), is in the navigation after the page its front matter names, in report.html
 *   and in report.pdf.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser } from "playwright-core";
import { loadConfig, PROJECT_ROOT } from "../../loaders/config.ts";
import { printReport } from "../../loaders/publish/pdf.ts";
import { sitePagesInOrder } from "../../loaders/publish/site-pages.ts";
import { ensureArtifacts } from "../../loaders/site/artifacts.ts";
import { assembleSingleFile } from "../../loaders/publish/single-file.ts";
import {
  charts,
  launchChromium,
  navigationFiles,
  openPage,
  requireChromium,
  serveStatic,
  waitForCharts,
} from "../support/browser.ts";
import { buildCommand, buildReport, copyProject, NO_SHARED, ONLINE_RETAIL } from "../support/build.ts";
import { requires } from "../support/skip.ts";

const MARKETING_CONFIG = join(PROJECT_ROOT, "test", "fixtures", "customers", "marketing.config.json");
const ANALYST_PAGE = join(PROJECT_ROOT, "test", "fixtures", "pages", "revenue-by-rfm.md");

/** The pages of the built site's navigation with no chart drawn. */
async function pagesWithoutChart(browser: Browser, dir: string): Promise<{ nav: string[]; empty: string[] }> {
  const server = await serveStatic(dir);
  const nav = navigationFiles(dir);
  const empty: string[] = [];
  try {
    for (const path of nav) {
      const open = await openPage(browser, server.origin);
      try {
        await open.page.goto(server.origin + path);
        await waitForCharts(open.page);
        if ((await charts(open.page)).length === 0) empty.push(path);
      } finally {
        await open.close();
      }
    }
  } finally {
    await server.close();
  }
  return { nav, empty };
}

if (requireChromium())
  describe("the navigation follows the data", () => {
    let browser: Browser;
    before(async () => {
      browser = await launchChromium();
    });
    after(async () => {
      await browser?.close();
    });

    test("demo data: no channels page; geography and products in the navigation", async () => {
      const { dir } = await buildReport({ name: "demo" });
      // that each of these pages shows a chart: pages.test.ts, which loads every page of this site
      const nav = navigationFiles(dir);
      assert.ok(!nav.includes("/audience.html"), nav.join(", "));
      assert.ok(nav.includes("/geography.html") && nav.includes("/products.html"), nav.join(", "));
    });

    test("Online Retail: every page in the navigation shows a chart", { skip: requires(NO_SHARED) }, async () => {
      const { dir } = await buildReport({ name: "online-retail", data: ONLINE_RETAIL });
      const { nav, empty } = await pagesWithoutChart(browser, dir);
      assert.deepEqual(empty, []);
      assert.ok(!nav.includes("/audience.html"), nav.join(", "));
    });

    test(
      "marketing_campaign: no geography, products, channels in the navigation",
      {
        skip: requires(
          existsSync(join(PROJECT_ROOT, "..", "shared", "data", "marketing_campaign.tsv.gz"))
            ? NO_SHARED
            : "../shared is absent",
        ),
      },
      async () => {
        const build = await buildReport({ name: "customers", config: MARKETING_CONFIG });
        assert.equal(build.status, 0, build.stderr);
        // that each of these pages shows a chart: customers.test.ts, which loads every page of this site
        assert.deepEqual(navigationFiles(build.dir), [
          "/index.html",
          "/segments.html",
          "/rfm.html",
          "/behaviour.html",
          "/strategy.html",
          "/methodology.html",
        ]);
      },
    );

    test("an analyst's src/NAME.md alone: in the navigation, report.html and report.pdf", async () => {
      const copy = mkdtempSync(join(tmpdir(), "segment-report-page-"));
      try {
        copyProject(copy);
        cpSync(ANALYST_PAGE, join(copy, "src", "revenue-by-rfm.md"));
        const demo = join(PROJECT_ROOT, "data", "demo", "transactions.csv.gz");
        if (!existsSync(demo)) await buildReport({ name: "demo" }); // writes the demo data
        // the copy's loaders and settings are the project's, so the demo's report data (same fingerprint) is
        // reused rather than computed again: this test is about the analyst's page
        const artifacts = await ensureArtifacts(loadConfig({ file: null, env: {}, data: demo }));
        cpSync(artifacts.dir, join(copy, ".segment-cache", basename(artifacts.dir)), { recursive: true });
        const dist = join(copy, "dist");
        const env: NodeJS.ProcessEnv = {
          ...process.env,
          OBSERVABLE_TELEMETRY_DISABLE: "1",
          INIT_CWD: copy,
          SEGMENT_DATA: demo,
        };
        delete env.SEGMENT_CONFIG;
        delete env.SEGMENT_ARTIFACTS;
        const build = spawnSync(...buildCommand(["--out", dist]), {
          cwd: copy,
          env,
          encoding: "utf8",
        });
        assert.equal(build.status, 0, build.stderr);
        assert.match(build.stderr, /report data unchanged/, "the copy reused the demo's report data");

        const pages = sitePagesInOrder(dist).filter((p) => p.level === 1);
        const at = pages.findIndex((p) => p.path === "/revenue-by-rfm.html");
        assert.ok(at > 0, `the page is in the navigation (${pages.map((p) => p.path).join(", ")})`);
        assert.equal(pages[at - 1].path, "/rfm.html", "right after the page its front matter names");
        assert.equal(pages[at].title, "Revenue by RFM segment");
        const { empty } = await pagesWithoutChart(browser, dist);
        assert.deepEqual(empty, [], "the analyst's page draws its chart too");

        const { html, pages: bundled } = await assembleSingleFile(dist);
        assert.ok(
          bundled.some((p) => p.path === "/revenue-by-rfm.html"),
          "report.html holds the page",
        );
        assert.match(html, /Share of revenue by RFM segment/);
        const htmlFile = join(copy, "report.html");
        writeFileSync(htmlFile, html);
        const printed = await printReport(htmlFile);
        assert.deepEqual(printed.errors, []);
        assert.equal(printed.startPages.length, bundled.length, "every page of report.html starts a page of the PDF");
        const pdfFile = join(copy, "report.pdf");
        writeFileSync(pdfFile, printed.pdf);
        const text = spawnSync("pdftotext", ["-layout", pdfFile, "-"], { encoding: "utf8" }).stdout;
        assert.match(text, /Revenue by RFM segment/, "the PDF has the page");
        assert.ok(!readFileSync(join(PROJECT_ROOT, "observablehq.config.ts"), "utf8").includes("revenue-by-rfm"));
      } finally {
        rmSync(copy, { recursive: true, force: true });
      }
    });
  });
