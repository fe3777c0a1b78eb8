/**
 * The report's page data for a configuration, computed once per test run and shared between test files (each file
 * runs in its own process): written to test-output/report-data/<fingerprint>/ the way a build writes
 * `.segment-cache/` (one file per page data file; JSON as JSON) and read back from there. The fingerprint is the
 * build's own (the data's bytes, the resolved configuration and the pipeline's source code), so a change of any
 * of them computes anew. Every caller gets the data as the pages get it: parsed from the written JSON.
 */
import { randomUUID } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative } from "node:path";
import type { Config } from "../../loaders/config.ts";
import { PROJECT_ROOT } from "../../loaders/config.ts";
import { computeReport } from "../../loaders/pipeline/index.ts";
import { fingerprint } from "../../loaders/site/artifacts.ts";

const ROOT = join(PROJECT_ROOT, "test-output", "report-data");
/** written last: a folder without it is incomplete */
const STAMP = "FINGERPRINT";
/** folders kept (the most recently used): a run reads about ten configurations; older code's data goes */
const KEEP = 24;

/** Removes all but the KEEP most recently used folders (another run's staging folders are left alone). */
function prune(): void {
  const used = readdirSync(ROOT)
    .filter((name) => !name.startsWith(".") && existsSync(join(ROOT, name, STAMP)))
    .map((name) => ({ name, at: statSync(join(ROOT, name, STAMP)).mtimeMs }))
    .sort((a, b) => b.at - a.at || (a.name < b.name ? -1 : 1));
  for (const { name } of used.slice(KEEP)) rmSync(join(ROOT, name), { recursive: true, force: true });
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path) : [path];
  });
}

function readAll(dir: string): Record<string, any> {
  const files: Record<string, any> = {};
  for (const path of listFiles(dir).sort()) {
    const name = relative(dir, path).split("\\").join("/");
    if (name === STAMP) continue;
    const text = readFileSync(path, "utf8");
    files[name] = name.endsWith(".json") ? JSON.parse(text) : text;
  }
  return files;
}

/** The page data `computeReport(config)` gives, through a cache shared by the test files of a run. */
export async function reportData(config: Config, log: (text: string) => void = () => {}): Promise<Record<string, any>> {
  const print = await fingerprint(config);
  const dir = join(ROOT, print.slice(0, 24));
  const stamp = join(dir, STAMP);
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === print) {
    const now = new Date();
    utimesSync(stamp, now, now);
    return readAll(dir);
  }
  const files = await computeReport(config, log);
  // written whole into a folder of this call's own, then renamed into place: a file computing the same data at
  // the same time writes the same bytes, and whichever rename lands first is kept
  const staging = join(ROOT, `.staging-${process.pid}-${randomUUID()}`);
  for (const [name, content] of Object.entries(files)) {
    const path = join(staging, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  }
  writeFileSync(join(staging, STAMP), print);
  try {
    if (existsSync(dir) && !existsSync(stamp)) rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
  } catch {
    rmSync(staging, { recursive: true, force: true }); // another file's copy landed first
  }
  prune();
  return readAll(dir);
}
