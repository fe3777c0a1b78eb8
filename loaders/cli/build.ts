/**
 * `npm run build`: the report on the configured data (the demo data by default, SEGMENT_DATA to override).
 * 1. computes the report data (or reuses it when data, config and code are unchanged): bad input stops here
 *    with one line, before anything is written;
 * 2. drops Framework's cached loader output when the report data changed (Framework's build would otherwise
 *    publish stale cached files);
 * 3. builds the site into a staging folder and swaps it into `dist/` (or `--out DIR`) only when the whole
 *    build succeeded.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, renameSync, rmSync } from "node:fs";
import { delimiter, dirname, join, relative, resolve } from "node:path";
import { PROJECT_ROOT } from "../config.ts";
import { prepare } from "../site/prepare.ts";
import { runCli } from "../errors.ts";

async function main(): Promise<void> {
  await prepare();
  if (process.argv.includes("--prepare-only")) return;
  const staging = join(".segment-cache", `dist-build-${process.pid}`);
  const bin = join(PROJECT_ROOT, "node_modules", ".bin", "observable");
  const result = spawnSync(bin, ["build"], {
    cwd: PROJECT_ROOT,
    stdio: "inherit",
    env: {
      ...process.env,
      OBSERVABLE_TELEMETRY_DISABLE: "1",
      SEGMENT_OUTPUT: staging,
      // Framework runs the .ts data loaders with `tsx`, found on PATH
      PATH: `${join(PROJECT_ROOT, "node_modules", ".bin")}${delimiter}${process.env.PATH ?? ""}`,
    },
  });
  if (result.status !== 0) {
    rmSync(join(PROJECT_ROOT, staging), { recursive: true, force: true });
    process.stderr.write(`segment-report: the site build failed; dist/ was left as it was\n`);
    process.exit(result.status ?? 1);
  }
  const outIndex = process.argv.indexOf("--out");
  const dist = resolve(process.env.INIT_CWD ?? process.cwd(), outIndex > 0 ? process.argv[outIndex + 1] : join(PROJECT_ROOT, "dist"));
  rmSync(dist, { recursive: true, force: true });
  mkdirSync(dirname(dist), { recursive: true });
  renameSync(join(PROJECT_ROOT, staging), dist);
  process.stderr.write(`segment-report: report written to ${relative(process.cwd(), dist) || dist}\n`);
}

await runCli(main);
