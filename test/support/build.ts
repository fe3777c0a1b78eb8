/**
 * Builds the report for tests: once per (data file, config) per test run, into test-output/builds/<name>/,
 * reusing a build whose inputs have not changed (the report data's fingerprint and a hash of the site's
 * sources are stored beside it).
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fingerprint } from "../../loaders/site/artifacts.ts";
import { PROJECT_ROOT, loadConfig } from "../../loaders/config.ts";
import { MARKER } from "../../loaders/site/folder.ts";
import { siteSourceHash } from "../../loaders/site/inputs.ts";

export const SHARED = resolve(PROJECT_ROOT, "..", "shared");
export const ONLINE_RETAIL = join(SHARED, "data", "online_retail.csv.gz");
export const REFERENCE = join(SHARED, "reference");
/** the reason a test using ../shared skips where it is absent (CI always has it) */
export const NO_SHARED = existsSync(ONLINE_RETAIL)
  ? false
  : `../shared is absent (${SHARED}); this test needs ../shared/data`;

export interface BuildOptions {
  /** a name for the output folder */
  name: string;
  /** data file (SEGMENT_DATA); default the demo data */
  data?: string;
  /** config file (SEGMENT_CONFIG) */
  config?: string;
  /** the folder the command is run from (INIT_CWD; relative --out paths start there); default the project */
  cwd?: string;
}

export interface BuildResult {
  dir: string;
  status: number;
  stdout: string;
  stderr: string;
}

export { siteInputs, siteSourceHash } from "../../loaders/site/inputs.ts";

async function inputsStamp(config: ReturnType<typeof loadConfig>): Promise<string> {
  return `${await fingerprint(config)} ${siteSourceHash()}`;
}

function env(options: BuildOptions): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {
    ...process.env,
    OBSERVABLE_TELEMETRY_DISABLE: "1",
    INIT_CWD: options.cwd ?? PROJECT_ROOT,
  };
  delete out.SEGMENT_DATA;
  delete out.SEGMENT_CONFIG;
  if (options.data) out.SEGMENT_DATA = resolve(options.data);
  if (options.config) out.SEGMENT_CONFIG = resolve(options.config);
  return out;
}

/** Runs `npm run build` into test-output/builds/<name>; throws with the build's output when it fails. */
export async function buildReport(options: BuildOptions): Promise<BuildResult> {
  const dir = join(PROJECT_ROOT, "test-output", "builds", options.name);
  const stamp = join(dir, ".inputs");
  const environment = env(options);
  let print: string | null = null;
  try {
    const config = loadConfig({ env: environment, file: options.config ? resolve(options.config) : undefined });
    if (existsSync(config.data)) print = await inputsStamp(config);
  } catch {
    print = null;
  }
  if (print && existsSync(stamp) && readFileSync(stamp, "utf8") === print)
    return { dir, status: 0, stdout: "", stderr: "" };
  // a folder of this helper's from before sites were marked (the build would rightly refuse it)
  if (existsSync(dir) && !existsSync(join(dir, MARKER))) rmSync(dir, { recursive: true, force: true });
  const result = runBuild(options, ["--out", dir]);
  if (result.status !== 0)
    throw new Error(`build ${options.name} failed (${result.status}):\n${result.stderr.slice(-4000)}`);
  // the fingerprint after the build: the demo data may only exist now
  const config = loadConfig({ env: environment, file: options.config ? resolve(options.config) : undefined });
  writeFileSync(stamp, await inputsStamp(config));
  return { ...result, dir };
}

/**
 * The command line of a build: [command, args] (for spawn). `npm run build`'s own: the bundled entry
 * (loaders/cli/launch.mjs), which starts in a fraction of tsx's time.
 */
export function buildCommand(args: string[] = []): [string, string[]] {
  return [process.execPath, ["loaders/cli/launch.mjs", "build", ...args]];
}

/** The environment of a build with the given data/config. */
export function buildEnv(options: BuildOptions): NodeJS.ProcessEnv {
  return env(options);
}

/** Runs the build command with the given data/config and extra arguments, returning its status and output. */
export function runBuild(
  options: BuildOptions,
  args: string[] = [],
  wrap?: (command: string, args: string[]) => [string, string[]],
): BuildResult {
  const [command, argv] = (wrap ?? ((c: string, a: string[]) => [c, a] as [string, string[]]))(...buildCommand(args));
  const result = spawnSync(command, argv, {
    cwd: PROJECT_ROOT,
    env: env(options),
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return { dir: "", status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

/**
 * A copy of the project in `dir` to build in (its sources, the Framework config and the package files; node_modules
 * linked), without Framework's state but for its bundles of the pages' packages (d3 and the rest) when a build here
 * has made them: the same node_modules, so the copy's build need not bundle them again.
 */
export function copyProject(dir: string): void {
  for (const entry of ["src", "loaders", "observablehq.config.ts", "package.json", "tsconfig.json"])
    cpSync(join(PROJECT_ROOT, entry), join(dir, entry), {
      recursive: true,
      filter: (path) => !path.includes(".observablehq"),
    });
  symlinkSync(join(PROJECT_ROOT, "node_modules"), join(dir, "node_modules"));
  const bundles = join("src", ".observablehq", "cache", "_node");
  if (existsSync(join(PROJECT_ROOT, bundles)))
    cpSync(join(PROJECT_ROOT, bundles), join(dir, bundles), { recursive: true });
}
