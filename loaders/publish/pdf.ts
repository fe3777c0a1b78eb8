/**
 * `dist/report.pdf`: the single-file report printed by Chromium (playwright-core), A4, light theme: a cover,
 * the contents with page numbers, every page of the report starting on a new sheet, charts kept whole, split
 * tables repeating their header row, page numbers in the footer.
 * The contents' page numbers come from the PDF itself: Chromium writes a named destination for every element id
 * (the contents links to `#report-page-N`), so a first print tells on which sheet each page starts; the numbers
 * are filled in (on lines that already exist, so nothing moves) and the report is printed again.
 */
import { chromium, type Page } from "playwright-core";
import { pathToFileURL } from "node:url";
import { CHROMIUM_FLAGS, findChromium } from "./chromium.ts";

/** A4 less the report's print margins (style.css: 14 mm top and bottom, 12 mm left and right) in CSS px. */
const MM = 96 / 25.4;
export const PRINT_VIEWPORT = { width: Math.floor((210 - 2 * 12) * MM), height: Math.floor((297 - 2 * 14) * MM) };

const FOOTER = `<div style="font: 8pt sans-serif; color: #555; width: 100%; text-align: center;"><span class="pageNumber"></span> / <span class="totalPages"></span></div>`;

/**
 * The 1-based page of every named destination of a PDF written by Chromium (Skia): the catalog's /Dests
 * dictionary maps each id to `[pageRef /XYZ x y 0]`; pages are numbered by walking the page tree.
 */
export function pdfDestinations(pdf: Buffer): Map<string, number> {
  const text = pdf.toString("latin1");
  const objects = new Map<number, string>();
  for (const m of text.matchAll(/(?:^|\n)(\d+) 0 obj\n<<([\s\S]*?)>>\n?(?:endobj|stream)/g))
    objects.set(Number(m[1]), m[2]);
  const catalog = [...objects.values()].find((body) => /\/Type \/Catalog/.test(body));
  const root = catalog?.match(/\/Pages (\d+) 0 R/)?.[1];
  if (!catalog || !root) throw new Error("the PDF has no page tree Chromium's way (catalog /Pages)");
  const order = new Map<number, number>();
  const walk = (id: number): void => {
    const body = objects.get(id) ?? "";
    const kids = body.match(/\/Kids \[([^\]]*)\]/)?.[1];
    if (kids === undefined) order.set(id, order.size + 1);
    else for (const kid of kids.matchAll(/(\d+) 0 R/g)) walk(Number(kid[1]));
  };
  walk(Number(root));
  const destsId = catalog.match(/\/Dests (\d+) 0 R/)?.[1];
  const out = new Map<string, number>();
  if (!destsId) return out;
  const dests = objects.get(Number(destsId)) ?? "";
  for (const m of dests.matchAll(/\/([^\s[/]+) \[(\d+) 0 R \/XYZ/g)) {
    const page = order.get(Number(m[2]));
    if (page !== undefined) out.set(decodeName(m[1]), page);
  }
  return out;
}

/** A PDF name's #xx escapes decoded. */
const decodeName = (name: string): string =>
  name.replace(/#([0-9a-f]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));

/**
 * Waits until the report has rendered: every embedded data file read by its page, no inline value still
 * loading, and the document's element count unchanged for `quietMs` (counted in animation frames too, so a
 * busy machine that delays the page does not pass for a quiet one).
 */
export async function waitForReport(page: Page, quietMs = 500, timeout = 90_000): Promise<void> {
  await page.waitForFunction(
    (quiet) => {
      const w = window as unknown as {
        __report?: { signature: string; since: number; frames: number };
        __reportFetched?: Set<string>;
        __reportFiles?: number;
      };
      const read = w.__reportFetched ? w.__reportFetched.size >= (w.__reportFiles ?? 0) : true;
      const loading = document.querySelectorAll("observablehq-loading").length;
      const signature = `${read}/${loading}/${document.getElementsByTagName("*").length}/${document.querySelectorAll("svg *").length}`;
      const now = performance.now();
      if (!w.__report || w.__report.signature !== signature) w.__report = { signature, since: now, frames: 0 };
      w.__report.frames++;
      return read && loading === 0 && now - w.__report.since >= quiet && w.__report.frames >= 5;
    },
    quietMs,
    { timeout, polling: "raf" },
  );
}

export interface PrintOptions {
  /** the date on the cover (default today) */
  buildDate?: Date;
  /** test aid: an invisible marker at the top and bottom of every chart and table, to find in the PDF's text */
  probes?: boolean;
}

export interface PrintedReport {
  pdf: Buffer;
  /** the sheet on which each page of the report starts, in contents order */
  startPages: number[];
  /** the number of charts marked (with `probes`) */
  probed: number;
  /** with `probes`: the header cells of each marked table */
  tables: string[][];
  /** console errors and uncaught errors while printing */
  errors: string[];
}

/** Prints the single-file report `htmlFile` to PDF with the Chromium found by findChromium. */
export async function printReport(htmlFile: string, options: PrintOptions = {}): Promise<PrintedReport> {
  const browser = await chromium.launch({ executablePath: findChromium(), headless: true, args: CHROMIUM_FLAGS });
  try {
    const context = await browser.newContext({
      viewport: PRINT_VIEWPORT,
      colorScheme: "light",
      serviceWorkers: "block",
    });
    // nothing leaves the machine, even if a page tried
    await context.route("**", (route) =>
      route.request().url().startsWith("file:") ? route.continue() : route.abort("blockedbyclient"),
    );
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("console", (message) => void (message.type() === "error" && errors.push(message.text())));
    page.on("pageerror", (error) => errors.push(error.message));
    await page.emulateMedia({ media: "print", colorScheme: "light" });
    await page.goto(pathToFileURL(htmlFile).href);
    await waitForReport(page);
    const date = (options.buildDate ?? new Date()).toLocaleDateString("en-GB", {
      day: "numeric",
      month: "long",
      year: "numeric",
      timeZone: "UTC",
    });
    const sections = await page.evaluate(
      ({ date, probes }) => {
        for (const node of document.querySelectorAll(".report-cover-date")) node.textContent = date;
        if (probes) {
          const svgs = [...document.querySelectorAll("section.report-page svg")].filter(
            (svg) =>
              !svg.parentElement?.closest("svg") &&
              !svg.closest("form, button, label") &&
              svg.getBoundingClientRect().width > 0,
          );
          (window as unknown as { __probes: number }).__probes = svgs.length;
          const tables = [...document.querySelectorAll("section.report-page table")].filter(
            (table) => table.getBoundingClientRect().height > 0,
          );
          // in the first row and the last row: where the rows start and end (a caption may follow)
          tables.forEach((table, i) => {
            // the first cell of each (the leftmost: a marker past the right edge would make Chromium shrink the page)
            // (visible rows and cells only: a table laid out one block per row hides its header row; no named
            // function here, as tsx would wrap it in a helper the page does not have)
            const rows = [...table.querySelectorAll("tr")].filter((row) => row.getBoundingClientRect().height > 0);
            const cells = [rows[0], rows[rows.length - 1]].map((row) =>
              [...(row?.querySelectorAll("th, td") ?? [])].find((cell) => cell.getBoundingClientRect().height > 0),
            );
            cells.forEach((cell, j) => {
              const probe = document.createElement("span");
              probe.className = "report-probe";
              probe.textContent = ` zztable${j ? "end" : "start"}${i}zz `;
              probe.style.cssText =
                "position:absolute;font-size:3px;line-height:1;color:#fff;white-space:nowrap;pointer-events:none";
              cell?.append(probe);
            });
          });
          (window as unknown as { __tables: string[][] }).__tables = tables.map((table) =>
            [...table.querySelectorAll("thead th")].map((th) => (th.textContent ?? "").trim()),
          );
          svgs.forEach((svg, i) => {
            for (const [where, name] of [
              ["beforebegin", "start"],
              ["afterend", "end"],
            ] as const) {
              const probe = document.createElement("span");
              probe.className = "report-probe";
              probe.textContent = ` zzchart${name}${i}zz `;
              probe.style.cssText =
                "position:absolute;font-size:3px;line-height:1;color:#fff;white-space:nowrap;pointer-events:none";
              svg.insertAdjacentElement(where, probe);
            }
          });
        }
        return document.querySelectorAll("section.report-page").length;
      },
      { date, probes: options.probes ?? false },
    );
    const print = (): Promise<Buffer> =>
      page.pdf({
        preferCSSPageSize: true,
        printBackground: true,
        displayHeaderFooter: true,
        headerTemplate: "<span></span>",
        footerTemplate: FOOTER,
        outline: true,
      });
    let pdf = await print();
    let startPages: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const dests = pdfDestinations(pdf);
      const found = Array.from({ length: sections }, (_, i) => dests.get(`report-page-${i + 1}`) ?? 0);
      if (found.some((n) => n === 0))
        throw new Error(`${htmlFile}: the printed PDF has no destination for every page of the report`);
      if (found.join() === startPages.join()) break;
      startPages = found;
      await page.evaluate((numbers) => {
        for (const node of document.querySelectorAll<HTMLElement>(".report-contents-page"))
          node.textContent = String(numbers[Number(node.dataset.page) - 1]);
      }, startPages);
      pdf = await print();
    }
    const probed = options.probes ? await page.evaluate(() => (window as unknown as { __probes: number }).__probes) : 0;
    const tables = options.probes
      ? await page.evaluate(() => (window as unknown as { __tables: string[][] }).__tables)
      : [];
    return { pdf, startPages, errors, probed, tables };
  } finally {
    await browser.close();
  }
}
