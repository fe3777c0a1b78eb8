/**
 * The data loaders' side of the report data: prints one file of the artifacts that `npm run build` and
 * `npm run dev` compute before Framework starts (the folder named by SEGMENT_ARTIFACTS, else by `.segment-cache/CURRENT`;
 * fingerprinted by loaders/site/artifacts.ts). Plain JavaScript run by node, so each loader starts in tens of milliseconds instead of
 * a TypeScript runtime's half second.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const CACHE = join(dirname(fileURLToPath(import.meta.url)), "..", "..", ".segment-cache");

/** Writes the report data file `name` (e.g. "meta.json") to stdout; exits 1 with one line when it is missing. */
export function emitCurrent(name) {
  const current = join(CACHE, "CURRENT");
  // `npm run build` names its own report data; `npm run dev` uses the last prepared
  const dir =
    process.env.SEGMENT_ARTIFACTS || (existsSync(current) ? join(CACHE, readFileSync(current, "utf8").trim()) : null);
  const path = dir && join(dir, name);
  if (!path || !existsSync(path)) {
    process.stderr.write(
      `segment-report: no report data ${name}; \`npm run build\` and \`npm run dev\` compute it first\n`,
    );
    process.exit(1);
  }
  process.stdout.write(readFileSync(path));
}
