/**
 * `npm run bench -- --dev`: how long a markdown edit takes to show in `npm run dev`. In a throw-away copy of the
 * project (bench/build.ts copyProject), starts `npm run dev` (`node --import tsx loaders/cli/dev.ts`) on --data,
 * opens the home page in Chromium, then N times: rewrites `src/index.md` with a new line of text at its end and
 * measures the time from the file's write until that text is in the page's DOM (a MutationObserver in the page
 * records the moment; both clocks are this machine's). Beside it, the time until Framework's preview sent its
 * update over the page's websocket (what the server takes; the rest is the page patching itself).
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { freePort } from "../test/support/port.ts";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { CHROMIUM_FLAGS, findChromium } from "../loaders/publish/chromium.ts";
import { copyProject } from "./build.ts";

export interface DevEdit {
  /** from the file's write to the new text in the page's DOM */
  shown_ms: number;
  /** from the file's write to the preview's update message reaching the page (null if none was seen) */
  update_ms: number | null;
  /** CPU time (user + sys) `npm run dev`'s process tree used from the write to the text shown */
  dev_cpu_ms: number | null;
}

export interface DevBench {
  data: string;
  page: string;
  /** from `npm run dev`'s start to the preview answering (the report data computed, cold) */
  startup_ms: number;
  edits: DevEdit[];
}

const EDITED_PAGE = "src/index.md";

/** CPU ms (user + sys, clock ticks of 10 ms) of `root` and its descendants, from /proc; null where /proc is absent. */
export function treeCpuMs(root: number): number | null {
  const procs = new Map<number, { ppid: number; ticks: number }>();
  try {
    for (const name of readdirSync("/proc")) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const text = readFileSync(`/proc/${name}/stat`, "utf8");
        // after the name in parentheses: state(3) ppid(4) ... utime(14) stime(15), numbered as in proc(5)
        const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
        procs.set(Number(name), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
      } catch {
        // the process ended meanwhile
      }
    }
  } catch {
    return null;
  }
  let ticks = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    ticks += procs.get(pid)?.ticks ?? 0;
    for (const [child, { ppid }] of procs) if (ppid === pid) stack.push(child);
  }
  return ticks * 10;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Starts `npm run dev` on `data` in a copy of the project at `root`, and times `edits` markdown edits. */
export async function measureDevReload(
  root: string,
  data: string,
  edits: number,
  timeoutMs: number,
  log: (line: string) => void,
): Promise<DevBench> {
  const copy = copyProject(root);
  const page = join(copy, EDITED_PAGE);
  const original = readFileSync(page, "utf8");
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  let output = "";
  const started = performance.now();
  // its own process group, so that it and only it is stopped at the end
  const dev = spawn(process.execPath, ["--import", "tsx", "loaders/cli/dev.ts", "--port", String(port), "--no-open"], {
    cwd: copy,
    env: { ...process.env, SEGMENT_DATA: data, OBSERVABLE_TELEMETRY_DISABLE: "1" },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  dev.stdout.on("data", (chunk) => (output = (output + chunk).slice(-20_000)));
  dev.stderr.on("data", (chunk) => (output = (output + chunk).slice(-20_000)));
  const browser = await chromium.launch({ executablePath: findChromium(), headless: true, args: CHROMIUM_FLAGS });
  try {
    const end = Date.now() + timeoutMs;
    for (;;) {
      if (dev.exitCode !== null) throw new Error(`npm run dev exited (${dev.exitCode}):\n${output.slice(-2000)}`);
      if (Date.now() > end) throw new Error(`npm run dev did not answer in time:\n${output.slice(-2000)}`);
      const ok = await fetch(`${origin}/`)
        .then(async (r) => r.ok && (await r.text()).includes("Observable Framework"))
        .catch(() => false);
      if (ok) break;
      await sleep(250);
    }
    const startup = performance.now() - started;
    log(`dev: the preview answers after ${(startup / 1000).toFixed(1)} s`);
    const tab = await browser.newPage();
    let lastUpdate = 0;
    tab.on("websocket", (socket) =>
      socket.on("framereceived", (frame) => {
        if (String(frame.payload).includes('"type":"update"')) lastUpdate = Date.now();
      }),
    );
    await tab.goto(`${origin}/`);
    await tab.waitForLoadState("networkidle");
    await sleep(1000); // charts drawn, the socket open
    const result: DevBench = { data, page: EDITED_PAGE, startup_ms: startup, edits: [] };
    for (let i = 0; i < edits; i++) {
      const text = `bench edit ${i} ${Date.now().toString(36)}`;
      // the page notes the wall-clock moment the text appears (Date.now(): the same clock as this process)
      await tab.evaluate((wanted) => {
        const w = window as unknown as { __benchShown?: number };
        w.__benchShown = undefined;
        const observer = new MutationObserver(() => {
          if (document.body.textContent?.includes(wanted)) {
            w.__benchShown = Date.now();
            observer.disconnect();
          }
        });
        observer.observe(document.body, { childList: true, subtree: true, characterData: true });
      }, text);
      lastUpdate = 0;
      const cpuBefore = treeCpuMs(dev.pid!);
      const written = Date.now();
      writeFileSync(page, `${original}\n${text}\n`);
      const shown = await tab.waitForFunction(
        () => (window as unknown as { __benchShown?: number }).__benchShown,
        undefined,
        { timeout: 60_000, polling: 50 },
      );
      const shownAt = (await shown.jsonValue()) as number;
      const cpuAfter = treeCpuMs(dev.pid!);
      const edit = {
        shown_ms: shownAt - written,
        update_ms: lastUpdate ? lastUpdate - written : null,
        dev_cpu_ms: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore,
      };
      result.edits.push(edit);
      log(
        `dev: edit ${i + 1}/${edits} shown after ${edit.shown_ms} ms (update received after ${edit.update_ms ?? "?"} ms; dev CPU ${edit.dev_cpu_ms ?? "?"} ms)`,
      );
      await sleep(700);
    }
    return result;
  } finally {
    await browser.close();
    if (dev.pid !== undefined && dev.exitCode === null) {
      try {
        process.kill(-dev.pid, "SIGTERM");
      } catch {
        // already gone
      }
      await new Promise((done) => {
        const timer = setTimeout(done, 5000);
        dev.once("exit", () => (clearTimeout(timer), done(null)));
      });
    }
    rmSync(copy, { recursive: true, force: true });
  }
}

/** The dev bench as markdown: each edit, and the medians against the goal of under a second. */
export function renderDev(b: DevBench, median: (values: number[]) => number): string {
  const shown = b.edits.map((e) => e.shown_ms);
  const updates = b.edits.flatMap((e) => (e.update_ms === null ? [] : [e.update_ms]));
  const cpu = b.edits.flatMap((e) => (e.dev_cpu_ms === null ? [] : [e.dev_cpu_ms]));
  return [
    `## \`npm run dev\`: a markdown edit in the open page (${b.data})`,
    `\`${b.page}\` rewritten ${b.edits.length} times with a new line at its end; time from the file's write to the text in the page's DOM (Chromium), to the preview's update message received (Playwright's event, a few ms late), and the CPU \`npm run dev\`'s processes used meanwhile (bench/dev.ts). The preview answered ${(b.startup_ms / 1000).toFixed(1)} s after \`npm run dev\` started (report data computed cold).`,
    `| edit | shown after | update received after | CPU of npm run dev meanwhile |\n| ---: | ---: | ---: | ---: |\n` +
      b.edits
        .map((e, i) => `| ${i + 1} | ${e.shown_ms} ms | ${e.update_ms ?? "-"} ms | ${e.dev_cpu_ms ?? "-"} ms |`)
        .join("\n"),
    `**Median: shown after ${shown.length ? median(shown).toFixed(0) : "-"} ms (${shown.length ? Math.min(...shown) : "-"} - ${shown.length ? Math.max(...shown) : "-"} ms), the update received after ${updates.length ? median(updates).toFixed(0) : "-"} ms, ${cpu.length ? median(cpu).toFixed(0) : "-"} ms CPU of \`npm run dev\`; goal under 1,000 ms.**`,
  ].join("\n\n");
}
