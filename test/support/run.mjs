/**
 * `npm test`: the typecheck, the lint and every test file, in lanes that run side by side, each one file at a time.
 *
 * - The site lanes hold the files that build the report (`npm run build`, `export` or `dev`, through
 *   test/support/build.ts or the command itself). Builds share a checkout's Framework cache and build lock, so the
 *   first site lane runs in this checkout and each other one (`--site-lanes=N`, default 2) in a copy of it under
 *   test-output/lanes/ (copyCheckout), with its own caches and test-output; the site files are dealt to the site
 *   lanes in turn by name. The sites the tests build (test/support/build.ts) are kept in this checkout's
 *   test-output/builds for every lane (SEGMENT_TEST_BUILDS), so each is built once, by the first lane to need it.
 * - The analysis lane runs the typecheck and the lint first (a failure stops everything), then the other files.
 *   They compute in their own process and write only under test-output/ or a temporary folder, so they may also
 *   run in a site lane: they are dealt to all the lanes by their expected time, longest first, each to the lane
 *   with the least time so far (dealFiles), so that the lanes end together. The times are those the last whole run
 *   in this checkout measured (test-output/test-times.json), else the ones kept with the tests
 *   (test/support/test-times.json, from a CI run); a file in neither counts as the median file.
 *
 * The analysis lane's output is shown as it comes; each site lane's is written to test-output/lanes/<lane>.log and
 * shown when all are done. Then one line per lane and the totals. Arguments are test files (default
 * test/*\/*.test.ts); `--lanes=1` runs everything in one lane, in order (for timing the lanes side by side).
 * SEGMENT_THREADS is 1 unless set (see main).
 */
import { spawn } from "node:child_process";
import {
  cpSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join, relative, sep } from "node:path";

const ROOT = join(import.meta.dirname, "..", "..");
const LANES = join(ROOT, "test-output", "lanes");

/** What marks a file that runs the site build. */
const BUILDS =
  /\b(buildReport|runBuild|buildCommand)\b|loaders\/cli\/(build|export|dev)\.ts|["'](build|export|dev)["'],\s*\[/;

export function buildsSite(source) {
  return BUILDS.test(source);
}

function testFiles(args) {
  const named = args.filter((a) => !a.startsWith("--"));
  if (named.length) return named.map((f) => relative(ROOT, join(process.cwd(), f)));
  return readdirSync(join(ROOT, "test"), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) =>
      readdirSync(join(ROOT, "test", d.name))
        .filter((f) => f.endsWith(".test.ts"))
        .map((f) => `test/${d.name}/${f}`),
    )
    .sort();
}

/** Runs a command in `cwd`; resolves with its exit status (output to `out`, a stream, or inherited). */
export function run(command, args, out, children, cwd = ROOT) {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd,
      stdio: ["ignore", out ? "pipe" : "inherit", out ? "pipe" : "inherit"],
    });
    children.add(child);
    if (out) {
      child.stdout.pipe(out, { end: false });
      child.stderr.pipe(out, { end: false });
    }
    child.on("close", (code, signal) => {
      children.delete(child);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

const nodeTest = (files) => [
  "--import",
  "tsx",
  "--test",
  "--test-concurrency=1",
  "--test-reporter=./test/support/reporter.mjs",
  "--test-reporter-destination=stdout",
  ...files,
];

/** "# pass N" and "# fail N" from a lane's output */
function counts(text) {
  const get = (name) => Number(text.match(new RegExp(`^# ${name} (\\d+)$`, "m"))?.[1] ?? 0);
  return { tests: get("tests"), pass: get("pass"), fail: get("fail"), cancelled: get("cancelled") };
}

/**
 * A copy of the checkout for a site lane of its own (`dir`/segment-report): every file but node_modules (linked),
 * the outputs and caches (test-output, dist, .segment-cache, Framework's src/.observablehq), .git and data/ (the
 * demo data is made anew there); `dir`/shared links to ../shared. Its builds then have their own Framework cache
 * and build lock, so they run beside the checkout's own.
 */
export function copyCheckout(dir) {
  const skip = new Set(["node_modules", "test-output", "dist", ".segment-cache", ".git", "data", "out"]);
  const project = join(dir, "segment-report");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(project, { recursive: true });
  for (const entry of readdirSync(ROOT)) {
    if (skip.has(entry)) continue;
    cpSync(join(ROOT, entry), join(project, entry), {
      recursive: true,
      filter: (path) => !path.includes(`${sep}.observablehq${sep}`) && !path.endsWith(`${sep}.observablehq`),
    });
  }
  symlinkSync(join(ROOT, "node_modules"), join(project, "node_modules"));
  const shared = join(ROOT, "..", "shared");
  if (existsSync(shared)) symlinkSync(shared, join(dir, "shared"));
  return project;
}

/** The site files dealt to `lanes` lanes in turn (sorted by name: each lane gets browser and build tests). */
export function dealSiteFiles(files, lanes) {
  const out = Array.from({ length: lanes }, () => []);
  [...files].sort().forEach((file, i) => out[i % lanes].push(file));
  return out.filter((lane) => lane.length);
}

/** The recorded time of the typecheck, eslint and prettier, in test-times.json */
export const CHECKS = "typecheck, eslint and prettier";
/** what a file costs besides its tests' own time (its process, tsx, imports), in seconds */
const FILE_START = 2;

/**
 * The expected seconds of a test file: its recorded time (`times`: file -> seconds; a file without one counts as
 * the median of the recorded test files) and its start.
 */
export function fileCost(times) {
  const known = [...times]
    .filter(([name, t]) => name.startsWith("test/") && Number.isFinite(t))
    .map(([, t]) => t)
    .sort((a, b) => a - b);
  const typical = known.length ? known[Math.floor(known.length / 2)] : 1;
  return (file) => (Number.isFinite(times.get(file)) ? times.get(file) : typical) + FILE_START;
}

/**
 * `files` dealt to lanes that already hold `loads` seconds of work (one entry a lane): longest first (ties by
 * name), each to the lane with the least time so far (ties: the first). Each lane's files in the order dealt.
 */
export function dealFiles(files, loads, times = new Map()) {
  const cost = fileCost(times);
  const order = [...files].sort((a, b) => cost(b) - cost(a) || (a < b ? -1 : a > b ? 1 : 0));
  const load = [...loads];
  const out = load.map(() => []);
  for (const file of order) {
    const lane = load.indexOf(Math.min(...load));
    out[lane].push(file);
    load[lane] += cost(file);
  }
  return out;
}

/** The per-file seconds of reporter.mjs's "# time per test file" lines in `text`. */
export function fileTimesIn(text) {
  const times = new Map();
  for (const m of text.matchAll(/^#\s+([\d.]+)\s{2}(test\/\S+\.test\.ts)$/gm)) times.set(m[2], Number(m[1]));
  return times;
}

/** The recorded times: the last whole run's in this checkout, else the ones kept with the tests; empty without. */
export function readTimes(root = ROOT) {
  for (const file of [join(root, "test-output", "test-times.json"), join(root, "test", "support", "test-times.json")])
    if (existsSync(file)) {
      try {
        return new Map(Object.entries(JSON.parse(readFileSync(file, "utf8"))));
      } catch {
        // a damaged file: the other, or no times
      }
    }
  return new Map();
}

async function main() {
  const args = process.argv.slice(2);
  // the lanes keep both cores busy already: the k search's worker threads would only add their start-up (about
  // 1.3 s of CPU a pipeline run under tsx). test/cluster/pool.test.ts sets the threads it tests itself.
  process.env.SEGMENT_THREADS ??= "1";
  // every lane's tests keep their built sites in this checkout's test-output/builds: a site two lanes need (the demo,
  // Online Retail) is built once, by whichever lane needs it first (test/support/build.ts)
  process.env.SEGMENT_TEST_BUILDS ??= join(ROOT, "test-output", "builds");
  const files = testFiles(args);
  const oneLane = args.includes("--lanes=1");
  const siteLanes = Math.max(1, Number(args.find((a) => a.startsWith("--site-lanes="))?.split("=")[1] ?? 2) || 1);
  const site = oneLane ? [] : files.filter((f) => buildsSite(readFileSync(join(ROOT, f), "utf8")));
  // the site files by name (the builds they share stay in one lane); the others by time, to even the lanes out
  const siteDealt = dealSiteFiles(site, siteLanes);
  const times = readTimes();
  const cost = fileCost(times);
  const sum = (list) => list.reduce((total, file) => total + cost(file), 0);
  const [analysis, ...extra] = dealFiles(
    files.filter((f) => !site.includes(f)),
    oneLane ? [0] : [times.get(CHECKS) ?? 0, ...siteDealt.map(sum)],
    times,
  );
  const whole = !args.some((a) => !a.startsWith("--"));
  const children = new Set();
  const stop = () => {
    for (const child of children) child.kill("SIGTERM");
  };
  process.on("SIGINT", () => {
    stop();
    process.exit(130);
  });
  mkdirSync(LANES, { recursive: true });
  const started = Date.now();
  // the site lanes: the first in this checkout, each other in a copy of it
  const lanes = siteDealt.map((siteFiles, i) => {
    const laneFiles = [...siteFiles, ...extra[i]];
    const name = i === 0 ? "site" : `site-${i + 1}`;
    const cwd = i === 0 ? ROOT : copyCheckout(join(LANES, name));
    const log = join(LANES, `${name}.log`);
    const out = createWriteStream(log);
    const done = run(process.execPath, nodeTest(laneFiles), out, children, cwd).then(async (status) => {
      await new Promise((resolve) => out.end(resolve));
      return { status, at: Date.now() };
    });
    return { name, files: laneFiles, cwd, log, done };
  });
  const npx = join(ROOT, "node_modules", ".bin");
  for (const [name, command, argv] of [
    ["typecheck", join(npx, "tsc"), ["--noEmit"]],
    ["eslint", join(npx, "eslint"), ["."]],
    ["prettier", join(npx, "prettier"), ["--check", "."]],
  ]) {
    const status = await run(command, argv, null, children);
    if (status !== 0) {
      stop();
      console.error(`npm test: ${name} failed (exit ${status}); no test was run to the end`);
      process.exit(1);
    }
  }
  const checked = (Date.now() - started) / 1000;
  const analysisLog = [];
  const tee = new (await import("node:stream")).PassThrough();
  tee.on("data", (chunk) => {
    analysisLog.push(chunk);
    process.stdout.write(chunk);
  });
  // (node --test given no file would look for test files itself, the copies' included)
  const analysisStatus = analysis.length ? await run(process.execPath, nodeTest(analysis), tee, children) : 0;
  const analysisAt = Date.now();
  const seconds = (at) => ((at - started) / 1000).toFixed(0);
  const summary = (name, n, c, at) =>
    `# lane ${name}: ${n} files, ${c.tests} tests, ${c.pass} passed, ${c.fail} failed, ${c.cancelled} cancelled, done after ${seconds(at)} s`;
  const a = counts(Buffer.concat(analysisLog).toString("utf8"));
  const lines = [summary("analysis", analysis.length, a, analysisAt)];
  let failed = analysisStatus !== 0;
  let tests = a.tests;
  let failures = a.fail;
  let cancelled = a.cancelled;
  const measured = new Map([
    [CHECKS, Math.round(checked * 10) / 10],
    ...fileTimesIn(Buffer.concat(analysisLog).toString("utf8")),
  ]);
  for (const lane of lanes) {
    const result = await lane.done;
    const text = existsSync(lane.log) ? readFileSync(lane.log, "utf8") : "";
    const where = lane.cwd === ROOT ? "" : ` in a copy of the checkout, ${relative(ROOT, lane.cwd)}`;
    process.stdout.write(
      `\n# ---- ${lane.name} lane (${lane.files.length} files${where}; also in ${relative(ROOT, lane.log)}) ----\n`,
    );
    process.stdout.write(text);
    const c = counts(text);
    lines.push(summary(lane.name, lane.files.length, c, result.at));
    failed ||= result.status !== 0;
    tests += c.tests;
    failures += c.fail;
    cancelled += c.cancelled;
    for (const [file, seconds] of fileTimesIn(text)) measured.set(file, seconds);
  }
  for (const line of lines) console.log(line);
  console.log(
    `# npm test: ${tests} tests, ${failures} failed, ${cancelled} cancelled, in ${seconds(Date.now())} s${failed ? " (FAILED)" : ""}`,
  );
  // the next run deals its lanes by these times (a whole run's only: a partial one would leave files out)
  if (whole) {
    const sorted = Object.fromEntries([...measured].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    writeFileSync(join(ROOT, "test-output", "test-times.json"), JSON.stringify(sorted, null, 2) + "\n");
  }
  process.exit(failed ? 1 : 0);
}

if (process.argv[1] === import.meta.filename) await main();
