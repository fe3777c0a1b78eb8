/**
 * Builds the report for tests: once per (data file, config) per test run, into test-output/builds/<name>/ (the
 * first lane's, in every lane of `npm test`), reusing a build whose inputs have not changed (the report data's
 * fingerprint and a hash of the site's sources are stored beside it).
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import { ensureDemoData } from "../../loaders/demo/index.ts";
import { fingerprint, inputFingerprint } from "../../loaders/site/artifacts.ts";
import { DEMO_DATA, PROJECT_ROOT, loadConfig } from "../../loaders/config.ts";
import { MARKER } from "../../loaders/site/folder.ts";
import { takeLock } from "../../loaders/site/lock.ts";
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

/**
 * Where buildReport keeps its sites: SEGMENT_TEST_BUILDS when set (npm test's lanes share the first lane's, so a
 * site two lanes need is built once: test/support/run.mjs), else test-output/builds/ of this checkout.
 */
const BUILDS = process.env.SEGMENT_TEST_BUILDS ?? join(PROJECT_ROOT, "test-output", "builds");

/**
 * The build's fingerprint and the site's sources, with the configuration's paths taken relative to the project:
 * the same in a lane's copy of the checkout (test-output/lanes/, with ../shared beside it) as here. The data's bytes
 * and the code are in the fingerprint; no path is in the site.
 */
async function inputsStamp(config: ReturnType<typeof loadConfig>): Promise<string> {
  const input = await inputFingerprint(config);
  const portable = JSON.parse(JSON.stringify(config), (_key, value: unknown) =>
    typeof value === "string" && isAbsolute(value) ? relative(PROJECT_ROOT, value) : value,
  ) as typeof config;
  return `${await fingerprint(portable, null, input)} ${siteSourceHash()}`;
}

/**
 * Runs `work` holding the lock of the site `name` (a file beside the sites: loaders/site/lock.ts's lock): a second
 * test process that needs the same site, here or in another lane, waits for it to be built instead of building it
 * too. A lock whose process is gone (a test killed while it built) is taken over.
 */
async function withSiteLock<T>(name: string, work: () => Promise<T>): Promise<T> {
  mkdirSync(BUILDS, { recursive: true });
  const release = await takeLock(join(BUILDS, `.${name}.lock`), () => undefined);
  try {
    return await work();
  } finally {
    release();
  }
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

/**
 * Runs `npm run build` into test-output/builds/<name> (or SEGMENT_TEST_BUILDS/<name>), unless the site there was
 * built from the same inputs; throws with the build's output when it fails.
 */
export function buildReport(options: BuildOptions): Promise<BuildResult> {
  return withSiteLock(options.name, () => build(options));
}

async function build(options: BuildOptions): Promise<BuildResult> {
  const dir = join(BUILDS, options.name);
  const stamp = join(dir, ".inputs");
  const environment = env(options);
  let print: string | null = null;
  try {
    const config = loadConfig({ env: environment, file: options.config ? resolve(options.config) : undefined });
    // the demo data are this checkout's own (tests read its persona file), whoever built the site
    if (!config.source && config.data === join(PROJECT_ROOT, DEMO_DATA)) await ensureDemoData();
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
