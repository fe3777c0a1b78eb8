/**
 * A cold build's head start on Framework: bundling the pages' node_modules imports (d3, d3-sankey, Inputs ... and
 * everything they import, with rollup) takes Framework about 3 s of one core, and does not depend on the report
 * data. So when Framework's cache has no `_node` folder, `npm run build` runs Framework's own bundling of them in a
 * child process (warm-imports.mjs) at the lowest CPU priority while it computes the report data: the child takes
 * only the CPU time the report data leaves idle. It writes into a folder of its own (`src/.observablehq/warm-<pid>`),
 * and the finished files are moved into Framework's cache before Framework's build starts, which then finds them as
 * if it had written them. Files are moved whole (a rename), never over a file already there; a child that failed or
 * was stopped leaves nothing in the cache, and its folder goes.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { setPriority } from "node:os";
import { dirname, join } from "node:path";
import { spawn } from "node:child_process";
import { PROJECT_ROOT } from "../config.ts";
import { onInterrupt } from "../interrupt.ts";
import { removeLeftovers } from "../processes.ts";
import { filesUnder } from "./prepare.ts";

const SCRIPT = join(PROJECT_ROOT, "loaders", "site", "warm-imports.mjs");

/** `import ... from "x"`, `import "x"` and `import("x")` with a bare name (not a path, not `npm:` or `node:`) */
const BARE = /\bimport\s*(?:[\w*${}\s,]+?\bfrom\s*)?\(?\s*["']([^"'./:][^"':]*)["']/g;

/**
 * The bare module names the pages and components under `src` import (Framework's own cache apart), sorted. A
 * name missed here costs nothing but time: Framework's build bundles it itself.
 */
export function bareImports(src: string): string[] {
  const names = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith(".")) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(md|js|mjs)$/.test(entry.name))
        for (const match of readFileSync(path, "utf8").matchAll(BARE)) names.add(match[1]);
    }
  };
  walk(src);
  return [...names].sort();
}

/**
 * Moves every file under `from` to the same place under `to` where `to` has none; returns how many moved. A
 * rename within one file system: a file is in `to` whole or not at all.
 */
export function moveNew(from: string, to: string): number {
  let moved = 0;
  for (const name of filesUnder(from)) {
    const target = join(to, name);
    if (existsSync(target)) continue;
    mkdirSync(dirname(target), { recursive: true });
    renameSync(join(from, name), target);
    moved++;
  }
  return moved;
}

/**
 * Starts bundling the node_modules imports of the pages in `root/src` into Framework's cache
 * (`src/.observablehq/cache/_node`) when that cache has none; resolves, once it is done, with how many files it
 * added (0 when there was nothing to do or the child failed). Run while the build holds the build lock.
 */
export function warmFrameworkImports(root = PROJECT_ROOT): Promise<number> {
  const src = join(root, "src");
  const state = join(src, ".observablehq");
  const cache = join(state, "cache", "_node");
  if (existsSync(state)) removeLeftovers(state, /^warm-(\d+)$/);
  if (existsSync(cache)) return Promise.resolve(0);
  const specs = bareImports(src);
  if (!specs.length) return Promise.resolve(0);
  const work = join(state, `warm-${process.pid}`);
  mkdirSync(work, { recursive: true });
  return new Promise<number>((resolve) => {
    const child = spawn(process.execPath, [SCRIPT, work, ...specs], { cwd: root, stdio: "ignore" });
    // the lowest priority: the child runs on the CPU the report data leaves idle
    try {
      if (child.pid) setPriority(child.pid, 19);
    } catch {
      // not allowed here: it runs at the build's own priority
    }
    const forget = onInterrupt(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      rmSync(work, { recursive: true, force: true });
    });
    const done = (moved: number): void => {
      forget();
      rmSync(work, { recursive: true, force: true });
      resolve(moved);
    };
    child.once("error", () => done(0));
    child.once("close", (status) =>
      done(status === 0 ? moveNew(join(work, ".observablehq", "cache", "_node"), cache) : 0),
    );
  });
}
