/**
 * `clustering.method` switches the report: the demo data built with the Gaussian mixture, Ward and DBSCAN driving
 * the segments (test/fixtures/cluster/method-<name>.config.json; 3 bootstrap runs and one mixture restart keep the builds cheap), each
 * report's overview, segments, methodology and first segment page render in Chromium without errors or empty
 * charts; the methodology page shows the method comparison (cross-tables, Ward's dendrogram); DBSCAN's segments
 * are named, its noise a clearly named group.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser } from "playwright-core";
import { PROJECT_ROOT } from "../../loaders/config.ts";
import { NOISE_NAME } from "../../loaders/cluster/search.ts";
import {
  cellErrors,
  charts,
  launchChromium,
  openPage,
  pageText,
  requireChromium,
  serveStatic,
  siteData,
  sitePages,
  waitForCharts,
  type StaticServer,
} from "../support/browser.ts";
import { buildReport } from "../support/build.ts";

if (requireChromium())
  for (const method of ["gmm", "ward", "dbscan"] as const)
    describe(`the report with clustering.method = "${method}"`, () => {
      let browser: Browser;
      let server: StaticServer;
      let dir = "";
      before(async () => {
        const config = join(PROJECT_ROOT, "test", "fixtures", "cluster", `method-${method}.config.json`);
        const build = await buildReport({ name: `method-${method}`, config });
        assert.equal(build.status, 0, build.stderr);
        dir = build.dir;
        server = await serveStatic(dir);
        browser = await launchChromium();
      });
      after(async () => {
        await browser?.close();
        await server?.close();
      });

      test("the segments come from the method and are named", () => {
        const m = siteData(dir, "methodology");
        assert.equal(m.method_comparison.driver, method);
        const byK = siteData(dir, "segments").by_k;
        const names: string[] = byK[String(m.k)].profiles.map((p: { name: string }) => p.name);
        assert.ok(names.length >= 2, `segments: ${names.join(", ")}`);
        names.forEach((name) => assert.ok(name && name.trim(), "every segment has a name"));
        const dbscan = m.method_comparison.chosen.find((e: { method: string }) => e.method === "dbscan");
        if (method === "dbscan" && dbscan.noise_share > 0) assert.equal(names[names.length - 1], NOISE_NAME);
      });

      test("overview, segments, methodology and a segment page render", async () => {
        const pages = sitePages(dir);
        const wanted = ["/", "/segments", "/methodology", pages.find((p) => p.startsWith("/segment/"))];
        for (const path of wanted) {
          assert.ok(path, "a segment page");
          const open = await openPage(browser, server.origin);
          try {
            await open.page.goto(server.origin + path);
            await waitForCharts(open.page);
            assert.deepEqual(await cellErrors(open.page), [], path);
            assert.deepEqual(open.log.errors, [], path);
            const drawn = await charts(open.page);
            for (const chart of drawn) assert.ok(chart.marks > 0, `${path}: ${chart.where} has no marks`);
            if (path === "/methodology") {
              for (const prefix of ["Ward: the top of the tree", "K-Means segments against the Gaussian mixture"])
                assert.ok(
                  drawn.some((c) => c.label.startsWith(prefix)),
                  `methodology: a chart "${prefix}" (${drawn.map((c) => c.label).join(" | ")})`,
                );
              assert.match(await pageText(open.page), /Other clustering methods/);
            }
          } finally {
            await open.close();
          }
        }
      });
    });
