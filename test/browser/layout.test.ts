/**
 * The single-file report (`report.html`) laid out as readers get it: on paper (print media emulated at A4 less the
 * 12 mm margins, 703 CSS px), on a 1280 px laptop and on a 390 px phone, on the demo data, Online Retail and
 * marketing_campaign (a customer table). Nothing may pass the right edge; on paper and on the laptop nothing may
 * scroll sideways (a wide table takes a layout that fits); on the phone a table may scroll sideways only when it
 * shows that it does (LAYOUT_PROBLEMS in test/support/layout.ts). On paper no "Hover for ..." is printed.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, test } from "node:test";
import type { Browser } from "playwright-core";
import { PROJECT_ROOT } from "../../loaders/config.ts";
import { PRINT_VIEWPORT, waitForReport } from "../../loaders/publish/pdf.ts";
import { assembleSingleFile } from "../../loaders/publish/single-file.ts";
import { freshPage, launchChromium, requireChromium } from "../support/browser.ts";
import { buildReport, NO_SHARED, ONLINE_RETAIL, SHARED, type BuildOptions } from "../support/build.ts";
import { LAYOUT_PROBLEMS, VISIBLE_TEXT } from "../support/layout.ts";
import { requires } from "../support/skip.ts";

const OUTPUT = join(PROJECT_ROOT, "test-output", "layout");
const MARKETING = join(SHARED, "data", "marketing_campaign.tsv.gz");
const MARKETING_CONFIG = join(PROJECT_ROOT, "test", "fixtures", "customers", "marketing.config.json");

const LAYOUTS = [
  { name: "print", viewport: PRINT_VIEWPORT, print: true, allowScroll: false },
  { name: "laptop", viewport: { width: 1280, height: 800 }, print: false, allowScroll: false },
  { name: "phone", viewport: { width: 390, height: 844 }, print: false, allowScroll: true },
] as const;

const DATA: { label: string; build: BuildOptions; skip: string | false }[] = [
  { label: "demo", build: { name: "demo" }, skip: false },
  { label: "Online Retail", build: { name: "online-retail", data: ONLINE_RETAIL }, skip: requires(NO_SHARED) },
  {
    label: "marketing_campaign",
    build: { name: "customers", config: MARKETING_CONFIG },
    skip: requires(existsSync(MARKETING) ? NO_SHARED : `../shared is absent (${MARKETING})`),
  },
];

if (requireChromium())
  for (const data of DATA)
    describe(`layout of report.html: ${data.label}`, { skip: data.skip }, () => {
      let browser: Browser;
      let file = "";
      before(async () => {
        const { dir } = await buildReport(data.build);
        const { html } = await assembleSingleFile(dir);
        mkdirSync(OUTPUT, { recursive: true });
        file = join(OUTPUT, `${data.build.name}.html`);
        writeFileSync(file, html);
        browser = await launchChromium();
      });
      after(async () => {
        await browser?.close();
      });

      for (const layout of LAYOUTS)
        test(`${layout.name} (${layout.viewport.width} px${layout.print ? ", print media" : ""}): nothing cut off`, async (t) => {
          const { page } = await freshPage(browser, null, { viewport: layout.viewport });
          await page.route("**", (route) =>
            route.request().url().startsWith("file:") ? route.continue() : route.abort("blockedbyclient"),
          );
          try {
            if (layout.print) await page.emulateMedia({ media: "print", colorScheme: "light" });
            await page.goto(pathToFileURL(file).href);
            await waitForReport(page);
            const problems = (await page.evaluate(LAYOUT_PROBLEMS(layout.allowScroll))) as string[];
            t.diagnostic(`${problems.length} problems`);
            assert.deepEqual(problems, [], `${data.label}, ${layout.name}: elements cut off`);
            if (layout.print) {
              const text = (await page.evaluate(VISIBLE_TEXT)) as string;
              assert.doesNotMatch(text, /\bhover\b/i, "no hover instructions on paper");
              if (data.label !== "marketing_campaign")
                assert.match(
                  text,
                  /Segments as of the snapshot/,
                  "the monthly chart says its segments are the snapshot's",
                );
              else assert.match(text, /\bWine\b/, "column names as reader labels (MntWines -> Wine)");
              // the figures a few customers drive are shown with their intervals (issue 19)
              if (data.label !== "marketing_campaign")
                assert.match(
                  text,
                  /Whiskers and brackets: 95% intervals from a seeded bootstrap over customers/,
                  "the return-rate chart shows its intervals",
                );
              else {
                assert.match(text, /Response rate with its Wilson 95% interval/, "the response-rate table's caption");
                assert.match(text, /\d+\.\d% \(\d+\.\d%–\d+\.\d%\)/, "a response rate with its interval");
              }
            }
          } finally {
            await page.close();
          }
        });
    });
