/**
 * `npm run dev`: Framework's preview with live reload of the report data. Framework's preview re-runs a data
 * loader when the loader's file changes and reloads the pages that use it, but it cannot see what our loaders
 * print (the report data, computed before Framework starts). So this process computes the report data, starts
 * `observable preview` (arguments passed on: `npm run dev -- --port 3001`), and watches the configuration file and
 * the data file it names; on a change it recomputes the report data (`build.ts --prepare-only`, which also
 * writes it into Framework's loader cache) and touches the data loaders in `src/data/`, so the preview re-runs
 * them (they print the same bytes) and reloads the open pages. A bad edit prints its one-line error and the preview keeps
 * the last good report.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, unwatchFile, utimesSync, watchFile } from "node:fs";
import { delimiter, join, resolve } from "node:path";
import { PROJECT_ROOT, loadConfig } from "../config.ts";

const BIN = join(PROJECT_ROOT, "node_modules", ".bin");
const ENV = { ...process.env, OBSERVABLE_TELEMETRY_DISABLE: "1", PATH: `${BIN}${delimiter}${process.env.PATH ?? ""}` };
/** how often the watched files are polled (stat), in ms: polling sees editors' save-by-rename and new files */
const POLL_MS = Number(process.env.SEGMENT_DEV_POLL_MS ?? 300);

/** Computes the report data; true when it succeeded (its errors are already printed as one line). */
function prepare(): boolean {
  return (
    spawnSync(join(BIN, "tsx"), [join(PROJECT_ROOT, "loaders", "cli", "build.ts"), "--prepare-only"], {
      cwd: PROJECT_ROOT,
      stdio: "inherit",
      env: ENV,
    }).status === 0
  );
}

/** The data loaders of the site (src/data/**), touched so that the preview re-runs them. */
function dataLoaders(dir = join(PROJECT_ROOT, "src", "data")): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? dataLoaders(join(dir, entry.name))
      : /\.(js|ts)$/.test(entry.name)
        ? [join(dir, entry.name)]
        : [],
  );
}

/** The files whose change means new report data: the configuration file and the data file it names. */
function watchedFiles(): string[] {
  const configFile = process.env.SEGMENT_CONFIG
    ? resolve(process.env.SEGMENT_CONFIG)
    : join(PROJECT_ROOT, "segment.config.json");
  try {
    return [configFile, loadConfig().data];
  } catch {
    return [configFile]; // the config is broken: its next save is what matters
  }
}

function main(): void {
  if (!prepare()) process.exit(1);
  const preview: ChildProcess = spawn(join(BIN, "observable"), ["preview", ...process.argv.slice(2)], {
    cwd: PROJECT_ROOT,
    stdio: "inherit",
    env: ENV,
  });
  let watched: string[] = [];
  let running = false;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  // a file watched before keeps its watcher, which compares with the state it last saw: an edit saved while the
  // report data was being recomputed is still seen (a new watcher would take the edited file as its start)
  const watch = (): void => {
    const next = watchedFiles();
    for (const file of watched) if (!next.includes(file)) unwatchFile(file);
    for (const file of next)
      if (!watched.includes(file))
        watchFile(file, { interval: POLL_MS }, (now, before) => now.mtimeMs !== before.mtimeMs && changed(file));
    watched = next;
  };
  const refresh = (): void => {
    if (running) return void (again = true);
    running = true;
    process.stderr.write("segment-report: input changed; recomputing the report data\n");
    if (prepare()) {
      const now = new Date();
      for (const loader of dataLoaders()) if (existsSync(loader)) utimesSync(loader, now, now);
      process.stderr.write("segment-report: report data updated; the preview reloads the pages\n");
    }
    watch(); // the config may name another data file now
    running = false;
    if (again) {
      again = false;
      refresh();
    }
  };
  const changed = (_file: string): void => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 200); // editors write in bursts
  };
  watch();
  const stop = (signal: NodeJS.Signals): void => {
    for (const file of watched) unwatchFile(file);
    preview.kill(signal);
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  preview.on("exit", (code) => process.exit(code ?? 0));
}

main();
