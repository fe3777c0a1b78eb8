/**
 * `npm run dev` while it runs: a changed configuration or data file is recomputed and the open page reloads
 * with the new report (Chromium on the preview at a loopback port); a broken config keeps the last report.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { freePort } from "../support/port.ts";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser } from "playwright-core";
import { PROJECT_ROOT } from "../../loaders/config.ts";
import { launchChromium, openPage, requireChromium } from "../support/browser.ts";

const WORK = join(PROJECT_ROOT, "test-output", "dev");
const CONFIG = join(WORK, "segment.config.json");
const DATA = join(WORK, "transactions.csv");

const writeConfig = (title: string): void =>
  writeFileSync(
    CONFIG,
    JSON.stringify({ data: "transactions.csv", report: { title }, clustering: { k_max: 4, bootstrap_runs: 3 } }),
  );

/** Polls `probe` until it gives a value; the limit is for a hang, generous for a machine busy with other lanes. */
async function until<T>(what: string, probe: () => Promise<T | undefined>, timeout = 240_000): Promise<T> {
  const end = Date.now() + timeout;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (${last})` : ""}`);
}

if (requireChromium())
  describe("npm run dev: live preview of data and config changes", () => {
    let browser: Browser;
    let dev: ChildProcess;
    let origin: string;
    let log = "";

    before(async () => {
      rmSync(WORK, { recursive: true, force: true });
      mkdirSync(WORK, { recursive: true });
      copyFileSync(join(PROJECT_ROOT, "test", "fixtures", "hostile", "transactions.csv"), DATA);
      writeConfig("Preview one");
      browser = await launchChromium();
      // Framework's preview prints the port it was given, not the one it got, so `--port 0` cannot be read back:
      // the port is one the operating system just handed out (listen on 0), and should another process take it
      // first, the preview exits (EADDRINUSE) and is started again on a new one
      for (let attempt = 1; ; attempt++) {
        const port = await freePort();
        origin = `http://127.0.0.1:${port}`;
        log = "";
        // its own process group, so the test stops the preview it started (and only that)
        const child = spawn(
          join(PROJECT_ROOT, "node_modules", ".bin", "tsx"),
          ["loaders/cli/dev.ts", "--port", String(port), "--no-open"],
          {
            cwd: PROJECT_ROOT,
            env: { ...process.env, SEGMENT_CONFIG: CONFIG, SEGMENT_DEV_POLL_MS: "100" },
            detached: true,
            stdio: ["ignore", "pipe", "pipe"],
          },
        );
        dev = child;
        child.stdout?.on("data", (chunk) => (log += chunk));
        child.stderr?.on("data", (chunk) => (log += chunk));
        let exited = false;
        child.once("exit", () => (exited = true));
        const up = await until("the preview", async () => {
          if (exited) return false;
          const response = await fetch(origin + "/");
          // the preview's own page, not whatever else took the port
          return response.ok && (await response.text()).includes("Observable Framework") ? true : undefined;
        });
        if (up) break;
        if (attempt >= 5 || !/EADDRINUSE/.test(log)) throw new Error(`the preview did not start:\n${log}`);
      }
    });

    after(async () => {
      await browser?.close();
      if (dev?.pid) {
        try {
          process.kill(-dev.pid, "SIGTERM");
        } catch {
          // already gone
        }
      }
    });

    const meta = async (): Promise<{ title: string; orders: number }> =>
      (await fetch(origin + "/_file/data/meta.json")).json() as Promise<{ title: string; orders: number }>;

    test("a config change recomputes the report and reloads the open page", async () => {
      const open = await openPage(browser, origin);
      try {
        await open.page.goto(origin + "/");
        const h1 = open.page.locator("#observablehq-main h1").first();
        await until("the first title", async () =>
          (await h1.textContent())?.includes("Preview one") ? true : undefined,
        );
        writeConfig("Preview two");
        await until(`the new title on the open page (log: ${log.slice(-500)})`, async () =>
          (await h1.textContent())?.includes("Preview two") ? true : undefined,
        );
        assert.equal((await meta()).title, "Preview two");
      } finally {
        await open.close();
      }
    });

    test("a data change recomputes the figures; a broken config keeps the last report", async () => {
      const before = await meta();
      const lines = readFileSync(DATA, "utf8").split("\n");
      // drop the last quarter of the lines: fewer orders
      writeFileSync(DATA, lines.slice(0, Math.floor(lines.length * 0.75)).join("\n") + "\n");
      const after = await until("new figures", async () => {
        const now = await meta();
        return now.orders !== before.orders ? now : undefined;
      });
      assert.ok(after.orders < before.orders, `fewer orders (${before.orders} -> ${after.orders})`);
      writeFileSync(CONFIG, "{ not json");
      await until("the error line", async () =>
        /segment\.config\.json/.test(log.split("input changed").pop() ?? "") ? true : undefined,
      );
      assert.equal((await meta()).orders, after.orders, "the preview still serves the last good report");
      assert.ok(dev.exitCode === null, "the preview keeps running");
    });
  });
