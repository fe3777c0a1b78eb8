/**
 * The report as stakeholders receive it, from the demo build (shared with the other browser tests):
 * - the site on a plain static server (`python3 -m http.server`), at the root and under a sub-path, and on a
 *   server with clean URLs (the tests' own): every navigation link, and every link a page draws, gives its page;
 * - `report.html` opened from file:// with every non-file request aborted: no request, no console error, the
 *   same charts per page as the site, the k switch and a what-if slider working;
 * - `report.pdf`: cover and contents with the right page numbers, every chart within one page (markers at the
 *   top and bottom of each chart found on the same page by `pdftotext`), the headline figures in its text;
 * - `npm run export -- --no-build` writes both files, report.html byte-identical to the assembly here.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { tmpdir } from "node:os";
import { csvParse } from "d3";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { PROJECT_ROOT, loadConfig } from "../../loaders/config.ts";
import { ensureDemoData } from "../../loaders/demo/index.ts";
import { runPipeline } from "../../loaders/pipeline/index.ts";
import { findChromium } from "../../loaders/publish/chromium.ts";
import { printReport, waitForReport } from "../../loaders/publish/pdf.ts";
import { sitePagesInOrder, type SitePage } from "../../loaders/publish/site-pages.ts";
import { assembleSingleFile } from "../../loaders/publish/single-file.ts";
import {
  charts,
  freshPage,
  launchChromium,
  openPage,
  pdfPageCount,
  requireChromium,
  serveStatic,
  siteData,
  waitForCharts,
  type StaticServer,
} from "../support/browser.ts";
import { buildReport } from "../support/build.ts";
import { memo } from "../support/memo.ts";

const OUTPUT = join(PROJECT_ROOT, "test-output", "publish");
const SUB_PATH = "/reports/2024-12/";

/**
 * `python3 -m http.server` serving `dir` on a loopback port the operating system picks (port 0; the server
 * prints the port it got): no rewriting, no clean URLs.
 */
async function pythonServer(dir: string): Promise<{ origin: string; process: ChildProcess }> {
  const child = spawn("python3", ["-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", dir], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  const port = await new Promise<number>((done, fail) => {
    let seen = "";
    const timer = setTimeout(() => fail(new Error(`python3 -m http.server did not start: ${seen}`)), 10_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /port (\d+)/.exec(seen);
      if (match) {
        clearTimeout(timer);
        child.stdout!.removeAllListeners("data");
        child.stdout!.resume();
        done(Number(match[1]));
      }
    });
    child.once("exit", (code) => fail(new Error(`python3 -m http.server exited (${code}): ${seen}`)));
  }).catch((error: Error) => {
    child.kill();
    throw error;
  });
  const origin = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(origin + "/");
      return { origin, process: child };
    } catch {
      await new Promise((done) => setTimeout(done, 100));
    }
  }
  child.kill();
  throw new Error("python3 -m http.server did not answer");
}

/** Every link of the page, resolved, that stays on `origin` (no hash). */
async function links(page: Page, origin: string): Promise<string[]> {
  const hrefs = await page.$$eval("a[href]", (as) => as.map((a) => (a as HTMLAnchorElement).href));
  return [...new Set(hrefs.map((h) => h.replace(/#.*$/, "")).filter((h) => h.startsWith(origin + "/")))];
}

/** A page of the report: HTML from Framework, not a directory listing or an error page. */
function isReportPage(body: string): boolean {
  return (
    body.includes('<meta name="generator" content="Observable Framework') && !body.includes("Directory listing for")
  );
}

if (requireChromium())
  describe("publishing: static hosts, the single file and the PDF", () => {
    let browser: Browser;
    let dir: string;
    let pages: SitePage[];
    let html: string;
    let htmlFile: string;
    let own: StaticServer;
    const servers: ChildProcess[] = [];
    /** charts per page on the site (path -> chart labels), read from the tests' own server on first use */
    const siteCharts = memo(async () => {
      const labels = new Map<string, string[]>();
      const open = await openPage(browser, own.origin);
      try {
        for (const p of pages) {
          await open.page.goto(own.origin + p.path);
          await waitForCharts(open.page);
          labels.set(
            p.path,
            (await charts(open.page)).map((c) => c.label),
          );
        }
      } finally {
        await open.close();
      }
      return labels;
    });
    /** the PDF printed with probes (chart and table markers), on first use */
    const probed = memo(() => printReport(htmlFile, { probes: true, buildDate: new Date("2024-12-31T00:00:00Z") }));

    before(async () => {
      browser = await launchChromium();
      ({ dir } = await buildReport({ name: "demo" }));
      pages = sitePagesInOrder(dir);
      own = await serveStatic(dir);
      rmSync(OUTPUT, { recursive: true, force: true });
      mkdirSync(OUTPUT, { recursive: true });
      ({ html } = await assembleSingleFile(dir));
      htmlFile = join(OUTPUT, "report.html");
      writeFileSync(htmlFile, html);
    });

    after(async () => {
      await browser?.close();
      await own?.close();
      for (const child of servers) child.kill();
    });

    test("python3 -m http.server: every navigation link and every link a page draws gives its page", async () => {
      const server = await pythonServer(dir);
      servers.push(server.process);
      const open = await openPage(browser, server.origin);
      try {
        const seen = new Set<string>();
        const reachedPaths = new Set<string>();
        const queue = [server.origin + "/"];
        while (queue.length) {
          const url = queue.shift()!;
          if (seen.has(url)) continue;
          seen.add(url);
          const response = await open.page.goto(url);
          assert.equal(response?.status(), 200, `${url} answers 200`);
          const body = (await response?.text()) ?? "";
          assert.ok(isReportPage(body), `${url} is a page of the report, not a listing`);
          await waitForCharts(open.page);
          const path = new URL(url).pathname === "/" ? "/index.html" : new URL(url).pathname;
          reachedPaths.add(path);
          for (const link of await links(open.page, server.origin))
            if (!seen.has(link) && !link.includes("/_")) queue.push(link);
        }
        const reached = [...reachedPaths].sort();
        assert.deepEqual(reached, pages.map((p) => p.path).sort(), "the links reach every page of the site");
        assert.deepEqual(open.log.failed, [], "failed requests");
        assert.deepEqual(open.log.errors, [], "console errors");
      } finally {
        await open.close();
      }
    });

    test(`under a sub-path (${SUB_PATH}) and with clean URLs every page's links answer with a page`, async () => {
      const root = join(OUTPUT, "host");
      mkdirSync(join(root, "reports"), { recursive: true });
      symlinkSync(dir, join(root, SUB_PATH.slice(1, -1)));
      const python = await pythonServer(root);
      servers.push(python.process);
      for (const base of [python.origin + SUB_PATH, own.origin + "/"]) {
        for (const page of pages) {
          const url = new URL("." + page.path, base).href;
          const response = await fetch(url);
          assert.equal(response.status, 200, `${url}`);
          const body = await response.text();
          // static links (navigation, pager, in-page) and the ones drawn at run time (segment pages: ./segment/<slug>.html)
          const hrefs = [...body.matchAll(/<a [^>]*href="([^"#:]+)(?:#[^"]*)?"/g)].map((m) => m[1]);
          for (const href of hrefs) {
            const target = new URL(href, url).href;
            const linked = await fetch(target);
            assert.equal(linked.status, 200, `${url} links ${href}`);
            assert.ok(isReportPage(await linked.text()), `${url} links ${href}: a page of the report`);
          }
        }
      }
      // a clean-URL host answers the clean form too (the tests' own server: /segments -> segments.html)
      const clean = await fetch(own.origin + "/segments");
      assert.ok(isReportPage(await clean.text()), "/segments on a clean-URL host");
    });

    test("report.html from file:// with the network blocked: every page and chart, no request, no error", async (t) => {
      const size = statSync(htmlFile).size;
      t.diagnostic(`report.html: ${(size / 1e6).toFixed(2)} MB, ${pages.length} pages`);
      assert.ok(size < 3_000_000, `report.html is under 3 MB on the demo data (${size} bytes)`);
      assert.ok(!/customer_id|CustomerID/.test(html), "no customer-level column in the file");
      const { page } = await freshPage(browser, null);
      const requests: string[] = [];
      const blocked: string[] = [];
      await page.route("**", (route) => {
        const url = route.request().url();
        if (url.startsWith("file:")) return route.continue();
        blocked.push(url);
        return route.abort("blockedbyclient");
      });
      const errors: string[] = [];
      page.on("request", (r) => requests.push(r.url()));
      page.on("console", (m) => void (m.type() === "error" && errors.push(m.text())));
      page.on("pageerror", (e) => errors.push(e.message));
      try {
        await page.goto(pathToFileURL(htmlFile).href);
        await waitForReport(page, 600);
        assert.deepEqual(blocked, [], "requests that would have left the file");
        assert.deepEqual(
          requests.filter((u) => !u.startsWith("file:") && !u.startsWith("data:")),
          [],
          "network requests",
        );
        assert.equal(requests.filter((u) => u.startsWith("file:")).length, 1, "only the file itself is read");
        assert.deepEqual(errors, [], "console errors");
        assert.deepEqual(
          await page.$$eval(".observablehq--error", (n) => n.map((e) => e.textContent)),
          [],
          "cell errors",
        );
        const contents = await page.$$eval("#report-contents a", (as) => as.map((a) => a.textContent?.trim()));
        assert.deepEqual(
          contents,
          pages.map((p) => p.title),
          "the contents list every page in navigation order",
        );
        const site = await siteCharts();
        for (const p of pages) {
          const drawn = (await charts(page, `section[data-report-path="${p.path}"]`)).map((c) => c.label);
          assert.ok(site.has(p.path), `the site's ${p.path} was visited`);
          assert.deepEqual(drawn, site.get(p.path), `${p.path}: the same charts as the site`);
        }
        // the k switch of the executive summary changes its segment table
        const meta = siteData(dir, "meta");
        const other: number = meta.ks.find((k: number) => k !== meta.k && k >= 3);
        const summary = page.locator('section[data-report-path="/index.html"]');
        const rows = (): Promise<number> =>
          summary.locator("table:has(th:text-is('Recommended action')) tbody tr").count();
        assert.equal(await rows(), meta.k, "one row per segment at the recommended k");
        await summary.getByLabel("Number of segments", { exact: true }).selectOption({ label: String(other) });
        await waitForReport(page, 250);
        assert.equal(await rows(), other, `one row per segment at k = ${other}`);
        // a what-if slider changes its figure
        const strategy = page.locator('section[data-report-path="/strategy.html"]');
        const figure = (): Promise<string> =>
          strategy
            .locator(".kpi", { has: page.locator(".label", { hasText: "Extra revenue a year" }) })
            .first()
            .locator(".value")
            .innerText();
        const before = await figure();
        const slider = strategy.locator("form", { hasText: "Customers reactivated (%)" }).locator("input[type=range]");
        const start = Number(await slider.inputValue());
        await slider.focus();
        for (let i = 0; i < 5; i++) await page.keyboard.press("ArrowRight");
        assert.equal(Number(await slider.inputValue()), start + 5, "the slider moved five steps");
        // the page recomputes on its own schedule (and redraws the figures as new nodes): poll for the change
        let after = await figure();
        for (const deadline = performance.now() + 30_000; after === before && performance.now() < deadline;) {
          await page.waitForTimeout(100);
          after = await figure();
        }
        assert.notEqual(after, before, "the impact figure changed");
        await waitForReport(page, 250);
        // a link between pages scrolls to the page inside the file
        await page.locator('section[data-report-path="/index.html"] a[href="./methodology.html#cleaning"]').click();
        assert.match(page.url(), /#report-page-\d+$/, "the link stays in the file");
        assert.deepEqual(errors, [], "console errors after interacting");
      } finally {
        await page.close();
      }
    });

    test("report.pdf: cover, contents with page numbers, every chart within one page, the headline figures", async (t) => {
      const started = performance.now();
      const printed = await probed();
      const pdfFile = join(OUTPUT, "report-probed.pdf");
      writeFileSync(pdfFile, printed.pdf);
      const sheets = pdfPageCount(printed.pdf);
      t.diagnostic(
        `report.pdf: ${sheets} pages, ${(printed.pdf.length / 1e6).toFixed(2)} MB, printed in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      assert.deepEqual(printed.errors, [], "errors while printing");
      const info = spawnSync("pdfinfo", [pdfFile], { encoding: "utf8" });
      assert.equal(info.status, 0, "pdfinfo (Debian's poppler-utils) reads the PDF");
      assert.equal(Number(info.stdout.match(/^Pages:\s+(\d+)/m)?.[1]), sheets, "page count");
      assert.match(info.stdout, /Page size:\s+59[45](\.\d+)? x 84[12]/, "A4");
      const text = (first: number, last = first): string =>
        spawnSync("pdftotext", ["-layout", "-f", String(first), "-l", String(last), pdfFile, "-"], { encoding: "utf8" })
          .stdout;
      const meta = siteData(dir, "meta");
      const cover = text(1);
      for (const expected of [meta.title, meta.data_file, "31 December 2024", "1 December 2023", "9 December 2024"])
        assert.ok(cover.includes(expected), `the cover names ${expected}`);
      // contents: each page on its line with the sheet it starts on; each starts after the last
      assert.equal(printed.startPages.length, pages.length);
      assert.ok(
        printed.startPages.every((n, i) => n > (i ? printed.startPages[i - 1] : 2)),
        `pages start in order after the cover and contents (${printed.startPages})`,
      );
      const contents = text(2);
      pages.forEach((p, i) =>
        assert.match(
          contents,
          new RegExp(`${p.title.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}\\s+${printed.startPages[i]}\\b`),
          `contents: ${p.title} on page ${printed.startPages[i]}`,
        ),
      );
      // each segment page starts on its sheet with the segment's name
      pages.forEach((p, i) => {
        if (p.level === 2)
          assert.ok(
            text(printed.startPages[i]).includes(p.title),
            `${p.title} starts on page ${printed.startPages[i]}`,
          );
      });
      // the footer numbers every page
      assert.match(text(sheets), new RegExp(`\\b${sheets} / ${sheets}\\b`), "page number in the footer");
      // every chart: its top and bottom marker on the same page
      const perPage = Array.from({ length: sheets }, (_, i) => text(i + 1));
      const chartCount = [...(await siteCharts()).values()].reduce((n, labels) => n + labels.length, 0);
      assert.equal(printed.probed, chartCount, "every chart of the site is printed");
      const where = (marker: RegExp): number => perPage.findIndex((page) => marker.test(page));
      for (let i = 0; i < chartCount; i++) {
        const start = where(new RegExp(`zzchartstart${i}zz`));
        const end = where(new RegExp(`zzchartend${i}zz`));
        assert.ok(start >= 0 && end >= 0, `chart ${i}: markers found`);
        assert.equal(end, start, `chart ${i} is within one page (starts on ${start + 1}, ends on ${end + 1})`);
      }
      assert.equal(where(new RegExp(`zzchartstart${chartCount}zz`)), -1, "no more charts in the PDF than on the site");
      // a table split across pages repeats its header row on each of them
      let split = 0;
      printed.tables.forEach((header, i) => {
        const start = where(new RegExp(`zztablestart${i}zz`));
        const end = where(new RegExp(`zztableend${i}zz`));
        assert.ok(start >= 0 && end >= start, `table ${i}: markers found in order`);
        if (end === start) return;
        split++;
        const words = header.filter((h) => h && !h.includes(" ")).slice(0, 2);
        for (let page = start + 1; page <= end; page++) {
          for (const word of words)
            assert.ok(
              perPage[page].includes(word),
              `table ${i} (${header.join(" | ")}) repeats "${word}" on page ${page + 1}`,
            );
        }
      });
      t.diagnostic(`${printed.tables.length} tables, ${split} split across pages`);
      assert.ok(split > 0, "the demo has a table long enough to split (the country table)");
      // the headline figures
      const all = perPage.join("\n");
      for (const figure of [
        meta.customers.toLocaleString("en-GB"),
        meta.orders.toLocaleString("en-GB"),
        `${meta.k} segments`,
      ]) {
        assert.ok(all.includes(figure), `the PDF says ${figure}`);
      }
    });

    /**
     * The headline figures the pipeline reports for the same input and configuration (`npm run pipeline`'s
     * summary.json and customers.csv): customers and revenue, and per segment its customers and its share of
     * customers and of revenue, summed here from the customer rows (not read from the report's data). The run
     * leaves out the method comparison and the migration, which none of these figures reads.
     */
    const headline = memo(async () => {
      const out = join(mkdtempSync(join(tmpdir(), "segment-publish-")), "pipeline");
      const overrides = { clustering: { methods: { compare: false } }, migration: { when: "never" } };
      await runPipeline(loadConfig({ env: {}, data: await ensureDemoData(), overrides }), out);
      const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
      const rows = csvParse(readFileSync(join(out, "customers.csv"), "utf8"));
      const total = rows.reduce((sum, r) => sum + Number(r.monetary), 0);
      assert.ok(Math.abs(total - summary.revenue) < 0.01, `customers' spend sums to the revenue (${total})`);
      const segments = new Map<string, { customers: number; revenue: number }>();
      for (const r of rows) {
        const seg = segments.get(r.segment!) ?? { customers: 0, revenue: 0 };
        seg.customers++;
        seg.revenue += Number(r.monetary);
        segments.set(r.segment!, seg);
      }
      return {
        customers: summary.customers as number,
        revenue: summary.revenue as number,
        segments: [...segments].map(([name, seg]) => ({
          name,
          customers: seg.customers,
          customer_share: seg.customers / rows.length,
          revenue: seg.revenue,
          revenue_share: seg.revenue / total,
        })),
      };
    });

    test("report.pdf and report.html: every page's headline figures equal the pipeline's summary.json", async () => {
      const expected = await headline();
      // formatted as the report formats them (src/components/format.js)
      const format: {
        int: (x: number) => string;
        pct: (x: number) => string;
        money: (c: string) => (x: number) => string;
      } = await import(join(PROJECT_ROOT, "src", "components", "format.js"));
      const money = format.money("£");
      const flat = (text: string): string => text.replace(/\s+/g, " ");
      /** per page: its KPIs (label -> value, note) and the figures its text must hold */
      const kpis = new Map<string, [string, string, string?][]>();
      kpis.set("/index.html", [
        ["Customers", format.int(expected.customers)],
        ["Revenue", money(expected.revenue)],
      ]);
      for (const s of expected.segments) {
        const page = pages.find((p) => p.level === 2 && p.title === s.name);
        assert.ok(page, `a page for ${s.name} (pages: ${pages.map((p) => p.title).join(", ")})`);
        kpis.set(page.path, [
          ["Customers", format.int(s.customers), `${format.pct(s.customer_share)} of all customers`],
          ["Revenue", money(s.revenue), `${format.pct(s.revenue_share)} of all revenue`],
        ]);
      }
      assert.equal(kpis.size, expected.segments.length + 1);
      // the PDF: each page's figures on that page's own sheets
      const printed = await probed();
      const pdfFile = join(OUTPUT, "report-headline.pdf");
      writeFileSync(pdfFile, printed.pdf);
      const sheets = pdfPageCount(printed.pdf);
      const sheetText = (first: number, last: number): string =>
        flat(
          spawnSync("pdftotext", ["-f", String(first), "-l", String(last), pdfFile, "-"], { encoding: "utf8" }).stdout,
        );
      // report.html: each page's section as the browser renders it from the file
      const { page } = await freshPage(browser, null);
      try {
        await page.goto(pathToFileURL(htmlFile).href);
        await waitForReport(page, 400);
        for (const [path, wanted] of kpis) {
          const i = pages.findIndex((p) => p.path === path);
          const pdfText = sheetText(printed.startPages[i], (printed.startPages[i + 1] ?? sheets + 1) - 1);
          const section = page.locator(`section[data-report-path="${path}"]`);
          for (const [name, value, note] of wanted) {
            // a note may wrap in the PDF's narrow KPI box ("23.9% of all" / "customers"): its figure and "of all"
            for (const figure of note ? [value, note.replace(/ of all .*/, " of all")] : [value])
              assert.ok(pdfText.includes(figure), `PDF, ${path}: ${name} "${figure}" in ${pdfText.slice(0, 800)}`);
            const kpi = section.locator(".kpi", { has: page.locator(".label", { hasText: new RegExp(`^${name}$`) }) });
            assert.equal(flat(await kpi.first().locator(".value").innerText()), value, `report.html, ${path}: ${name}`);
            if (note)
              assert.equal(
                flat(await kpi.first().locator(".kpi-note").innerText()),
                note,
                `report.html, ${path}: ${name}`,
              );
          }
        }
        // the executive summary's segment table: each segment's customer and revenue shares beside its name
        const table = await page
          .locator('section[data-report-path="/index.html"] table:has(th:text-is("Recommended action")) tbody tr')
          .allInnerTexts();
        for (const s of expected.segments) {
          const row = flat(table.find((r) => r.includes(s.name)) ?? "");
          for (const figure of [format.pct(s.customer_share), format.int(s.customers), format.pct(s.revenue_share)])
            assert.ok(row.includes(figure), `report.html summary table, ${s.name}: ${figure} in "${row}"`);
        }
      } finally {
        await page.close();
      }
    });

    test("npm run export -- --no-build writes report.html (the same bytes) and report.pdf", async (t) => {
      const site = join(OUTPUT, "site");
      cpSync(dir, site, { recursive: true });
      const started = performance.now();
      const result = spawnSync(process.execPath, ["loaders/cli/launch.mjs", "export", "--no-build", "--out", site], {
        cwd: PROJECT_ROOT,
        encoding: "utf8",
        env: { ...process.env, INIT_CWD: PROJECT_ROOT },
      });
      t.diagnostic(
        `export --no-build: ${((performance.now() - started) / 1000).toFixed(1)} s; ${result.stderr.trim().split("\n").join(" | ")}`,
      );
      assert.equal(result.status, 0, result.stderr);
      assert.equal(readFileSync(join(site, "report.html"), "utf8"), html, "report.html is deterministic");
      const pdf = readFileSync(join(site, "report.pdf"));
      assert.equal(
        pdfPageCount(pdf),
        pdfPageCount((await probed()).pdf),
        "the exported PDF has the pages of the tested one",
      );
      // export names its temporary files after its own process: look for any
      const leftovers = readdirSync(site).filter((f) => /\.tmp$/.test(f));
      assert.deepEqual(leftovers, [], "no temporary file left beside the exports");
    });

    test("without Chromium, one line says how to install it", () => {
      assert.throws(
        () => findChromium({ CHROMIUM_PATH: "/nonexistent/chromium" }),
        /^InputError: CHROMIUM_PATH=\/nonexistent\/chromium: no such file/,
      );
      const result = spawnSync(process.execPath, ["loaders/cli/launch.mjs", "export", "--no-build"], {
        cwd: PROJECT_ROOT,
        encoding: "utf8",
        env: { ...process.env, CHROMIUM_PATH: "/nonexistent/chromium" },
      });
      assert.equal(result.status, 1);
      assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
      assert.match(result.stderr, /apt-get install chromium|CHROMIUM_PATH/);
    });
  });
