/**
 * `npm run build [-- --out DIR] [--model DIR/model.json]`: the report on the configured data (the demo data by
 * default, SEGMENT_DATA to override), published into `dist/` or DIR. With `--model`, the segments, RFM rules, scaler
 * and value parameters come from a saved model (npm run pipeline's model.json) instead of a fit, so they keep their
 * meaning from one edition to the next; the methodology page shows the drift against the model's training data.
 * 0. checks DIR may receive the site (loaders/site/folder.ts: a new or empty folder or a previous report, never
 *    one holding other files, the project or an input) and makes a temporary folder inside it, and checks the
 *    data file can be read: any problem is one line, before any work;
 * 1. waits for any other build in this checkout (loaders/site/lock.ts);
 * 2. computes the report data (or reuses it when data, config and code are unchanged): bad input stops here
 *    with one line, before anything is written;
 * 3. writes the report data into Framework's loader cache as its data loaders would print it, so Framework's build
 *    publishes this report data and starts no loader (loaders/site/prepare.ts);
 * 4. when DIR holds a site built from the same report data, pages, components, config and Framework, untouched
 *    since (its marker's stamp and digest: site/inputs.ts, site/folder.ts siteIsCurrent), stops here saying so;
 * 5. else builds the site into the temporary folder, marks it (`.segment-report`) and swaps it into DIR only when
 *    the whole build succeeded, replacing only the previous report's files.
 * Its last line gives where the time went (report data, of which pipeline and page data; Framework; publish).
 */
import { basename, delimiter, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { PROJECT_ROOT, loadConfig, type Config } from "../config.ts";
import { readModel } from "../model/load.ts";
import type { Model } from "../model/schema.ts";
import { scoringConfig } from "../pipeline/score.ts";
import { dataFiles } from "../sources/folder.ts";
import { frameworkFailure } from "../site/framework-failure.ts";
import { EXIT, InputError, runCli } from "../errors.ts";
import { onInterrupt, runChild } from "../interrupt.ts";
import { discardStaging, makeStaging, swapIn } from "../output/replace.ts";
import { checkReadableFile } from "../paths.ts";
import { artifactDir, CACHE_ROOT, describeSource } from "../site/artifacts.ts";
import { checkNoCollision, checkSiteFolder, siteIsCurrent, writeMarker } from "../site/folder.ts";
import { siteStamp } from "../site/inputs.ts";
import { takeBuildLock } from "../site/lock.ts";
import { prepare, type Prepared } from "../site/prepare.ts";
import { warmFrameworkImports } from "../site/warm.ts";

const say = (line: string) => process.stderr.write(`segment-report: ${line}\n`);

function parseBuildArgs(argv: string[]): { out?: string; model?: string; prepareOnly: boolean } {
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: { out: { type: "string" }, model: { type: "string" }, "prepare-only": { type: "boolean" } },
    });
    return { out: values.out, model: values.model, prepareOnly: values["prepare-only"] === true };
  } catch (error) {
    throw new InputError(
      `command line: ${(error as Error).message.split("\n")[0]} (usage: npm run build -- [--out DIR] [--model DIR/model.json])`,
    );
  }
}

/**
 * `--model FILE`: the saved model and the configuration that reads the configured data as the model's training data
 * were read (its input settings win; drift thresholds and the report's settings stay the configuration's). A model
 * that cannot be read, is not one or is of another version: one line, before anything is written.
 */
function withModel(config: Config, file: string): { config: Config; saved: { model: Model; file: string } } {
  const model = readModel(file);
  if (config.source)
    throw new InputError(
      '--model: the configuration reads a database source; a report with a saved model reads a data file (set SEGMENT_DATA or "data")',
    );
  return { config: scoringConfig(model, config, config.data), saved: { model, file: basename(file) } };
}

async function main(): Promise<void> {
  const started = performance.now();
  const args = parseBuildArgs(process.argv.slice(2));
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const loaded = loadConfig();
  const { config, saved } = args.model ? withModel(loaded, resolve(cwd, args.model)) : { config: loaded, saved: null };
  if (config.data_source !== "default")
    for (const file of dataFiles(config)) checkReadableFile(file, describeSource(config));
  if (args.prepareOnly) {
    await takeBuildLock(CACHE_ROOT, say);
    await prepare({ config, saved });
    return;
  }
  const dist = resolve(cwd, args.out ?? join(PROJECT_ROOT, "dist"));
  const context = {
    cwd,
    project: PROJECT_ROOT,
    inputs: [
      config.data,
      ...(config.config_file ? [config.config_file] : []),
      ...(args.model ? [resolve(cwd, args.model)] : []),
    ],
  };
  const before = checkSiteFolder(dist, context);
  const staging = makeStaging(dist);
  let done = false;
  // on Ctrl-C, SIGTERM or any exit before the swap, the staging folder goes (loaders/interrupt.ts)
  onInterrupt(() => {
    if (!done) discardStaging(dist, staging, !before.exists);
  });
  await takeBuildLock(CACHE_ROOT, say);
  // a cold Framework cache: Framework's bundling of the pages' imports runs beside the report data, on idle CPU
  const warming = warmFrameworkImports();
  const prepared = await prepare({ config, saved });
  await warming;
  const print = prepared.fingerprint;
  const shown = relative(process.cwd(), dist) || dist;
  // the site in DIR was built from these very report data, pages, components and Framework, and is as that build
  // left it: Framework's build would write it again, byte for byte (loaders/site/inputs.ts, folder.ts)
  const inputs = siteStamp(print);
  if (siteIsCurrent(dist, inputs)) {
    discardStaging(dist, staging, false);
    done = true;
    say(`${shown} is current (same report data, pages, components and Framework): site build skipped`);
    sayTimes(started, prepared, null, null);
    return;
  }
  const frameworkStarted = performance.now();
  const bin = join(PROJECT_ROOT, "node_modules", ".bin", "observable");
  // Framework's error output is read: a full disk or a read-only folder is one line, not "please file an issue";
  // not spawnSync, which would hold a SIGTERM until Framework ended (loaders/interrupt.ts runChild)
  const result = await runChild(bin, ["build"], {
    cwd: PROJECT_ROOT,
    stdio: ["inherit", "inherit", "pipe"],
    env: {
      ...process.env,
      OBSERVABLE_TELEMETRY_DISABLE: "1",
      SEGMENT_OUTPUT: staging,
      // this build's report data, for observablehq.config.ts and the data loaders (not .segment-cache/CURRENT,
      // which a `npm run dev` may move)
      SEGMENT_ARTIFACTS: artifactDir(print),
      PATH: `${join(PROJECT_ROOT, "node_modules", ".bin")}${delimiter}${process.env.PATH ?? ""}`,
    },
  });
  const frameworkMs = performance.now() - frameworkStarted;
  const stderr = result.stderr;
  const failure = result.status !== 0 ? frameworkFailure(stderr) : null;
  if (!failure) process.stderr.write(stderr);
  if (result.status !== 0) {
    say(`${failure ?? "the site build failed (Framework's messages above)"}; ${shown} was left as it was`);
    process.exit(EXIT.input);
  }
  const publishStarted = performance.now();
  writeMarker(staging, inputs);
  const now = checkSiteFolder(dist, context); // again: another build may have published meanwhile
  checkNoCollision(dist, staging, now);
  swapIn(dist, staging, now.replaced);
  done = true;
  say(`report written to ${shown}`);
  sayTimes(started, prepared, frameworkMs, performance.now() - publishStarted);
}

/**
 * One line of where the build's time went (wall; CPU of this process where it is ours): the report data (the
 * pipeline and the page data when computed, else the fingerprint alone), Framework's build, the publish; read by
 * `npm run bench -- --build` (bench/build.ts).
 */
function sayTimes(started: number, prepared: Prepared, frameworkMs: number | null, publishMs: number | null): void {
  const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
  const { pipeline, page_data } = prepared.phases;
  const parts = [
    `report data ${s(prepared.wall_ms)}` +
      (pipeline && page_data
        ? ` (pipeline ${s(pipeline.wall_ms)}, CPU ${s(pipeline.cpu_ms)}; page data ${s(page_data.wall_ms)}, CPU ${s(page_data.cpu_ms)})`
        : ""),
    `Framework's build ${frameworkMs === null ? "skipped" : s(frameworkMs)}`,
    `publish ${publishMs === null ? "skipped" : s(publishMs)}`,
    `in all ${s(performance.now() - started)} since start, ${s(performance.now())} since the process began`,
  ];
  say(`times: ${parts.join("; ")}`);
}

await runCli(main);
