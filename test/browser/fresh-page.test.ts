/**
 * The browser tests open their pages in one context per browser (freshPage, test/support/browser.ts): each page must
 * still load as in a context of its own. A cacheable script is fetched again by every page (the HTTP cache is off),
 * cookies and localStorage a page set are gone for the next page of the origin, and each page has the viewport
 * and colour scheme it asked for while another page with other ones is open.
 */
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import type { Browser } from "playwright-core";
import { freshPage, launchChromium, PHONE, requireChromium } from "../support/browser.ts";

if (requireChromium())
  describe("freshPage: a page as fresh as in a context of its own", () => {
    let browser: Browser;
    let scriptFetches = 0;
    const server = createServer((request, response) => {
      if (request.url === "/a.js") {
        scriptFetches++;
        response.writeHead(200, { "content-type": "text/javascript", "cache-control": "max-age=3600" });
        response.end("window.loaded = true;");
        return;
      }
      response.writeHead(200, { "content-type": "text/html", "cache-control": "max-age=3600" });
      response.end('<!doctype html><script src="/a.js"></script><p>page</p>');
    });
    let origin = "";
    before(async () => {
      await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      browser = await launchChromium();
    });
    after(async () => {
      await browser?.close();
      server.close();
    });

    it("every page fetches a cacheable script again: the HTTP cache is off", async () => {
      scriptFetches = 0;
      for (let i = 0; i < 3; i++) {
        const { page } = await freshPage(browser, origin);
        await page.goto(origin + "/");
        assert.equal(await page.evaluate(() => (window as unknown as { loaded: boolean }).loaded), true);
        await page.close();
      }
      assert.equal(scriptFetches, 3);
    });

    it("cookies and localStorage one page set are gone for the next page of the origin", async () => {
      const first = await freshPage(browser, origin);
      await first.page.goto(origin + "/");
      await first.page.evaluate(() => {
        document.cookie = "seen=1; max-age=3600";
        localStorage.setItem("seen", "1");
      });
      assert.equal(await first.page.evaluate(() => document.cookie), "seen=1");
      await first.page.close();
      const next = await freshPage(browser, origin);
      await next.page.goto(origin + "/");
      assert.deepEqual(await next.page.evaluate(() => [document.cookie, localStorage.getItem("seen")]), ["", null]);
      await next.page.close();
    });

    it("each page has its own viewport and colour scheme", async () => {
      const phone = await freshPage(browser, origin, { viewport: PHONE, colorScheme: "dark" });
      const desktop = await freshPage(browser, origin);
      const look = (page: typeof phone.page) =>
        page.evaluate(() => [window.innerWidth, matchMedia("(prefers-color-scheme: dark)").matches]);
      await phone.page.goto(origin + "/");
      await desktop.page.goto(origin + "/");
      assert.deepEqual(await look(phone.page), [PHONE.width, true]);
      assert.deepEqual(await look(desktop.page), [1280, false]);
      await phone.page.close();
      await desktop.page.close();
    });
  });
