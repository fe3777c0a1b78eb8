/**
 * `npm test`: the typecheck, the lint and every test file, in lanes that run side by side, each one file at a time.
 *
 * - Every lane has a checkout of its own: the first runs in this checkout, each other one (`--lanes=N`, default 3)
 *   in a copy of it under test-output/lanes/ (copyCheckout), with its own caches (the report data's, Framework's,
 *   the build lock) and test-output. So no two files that run at the same time share a build, a cache or an
 *   output folder.
 * - The files are dealt to the lanes by their expected time, longest first, each to the lane with the least time so
 *   far (dealFiles), so that the lanes end together. The times are those the last whole run in this checkout
 *   measured (test-output/test-times.json), else the ones kept with the tests (test/support/test-times.json, from
 *   a CI run); a file in neither counts as the median file. The first lane starts with the typecheck, eslint and
 *   prettier (a failure stops every lane).
 *
 * The first lane's output is shown as it comes; each other lane's is written to test-output/lanes/<lane>.log and
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
 * A copy of the checkout for a lane of its own (`dir`/segment-report): every file but node_modules (linked),
 * the outputs and caches (test-output, dist, .segment-cache, Framework's src/.observablehq), .git and data/ (the
 * demo data is made anew there); `dir`/shared links to ../shared. Its builds then have their own Framework cache,
 * build lock and test-output/builds, so they run beside the checkout's own.
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

/** The recorded time of the typecheck, eslint and prettier, in test-times.json */
export const CHECKS = "typecheck, eslint and prettier";
/** what a file costs besides its tests' own time (its process, tsx, imports), in seconds */
const FILE_START = 2;

/**
 * `files` dealt to `lanes` lanes by their time (`times`: file -> seconds), longest first (ties by name), each to the
 * lane with the least time so far (ties: the first); the first lane starts with `head` seconds (the checks it runs
 * first). A file without a time counts as the median of the known ones. Each lane's files in the order dealt; no
 * empty lane.
 */
export function dealFiles(files, lanes, times = new Map(), head = 0) {
  const known = files
    .map((f) => times.get(f))
    .filter((t) => Number.isFinite(t))
    .sort((a, b) => a - b);
  const typical = known.length ? known[Math.floor(known.length / 2)] : 1;
  const cost = (f) => (Number.isFinite(times.get(f)) ? times.get(f) : typical) + FILE_START;
  const order = [...files].sort((a, b) => cost(b) - cost(a) || (a < b ? -1 : a > b ? 1 : 0));
  const load = Array.from({ length: Math.max(1, lanes) }, (_, i) => (i === 0 ? head : 0));
  const out = load.map(() => []);
  for (const file of order) {
    const lane = load.indexOf(Math.min(...load));
    out[lane].push(file);
    load[lane] += cost(file);
  }
  return out.filter((lane) => lane.length);
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
  const files = testFiles(args);
  const whole = !args.some((a) => !a.startsWith("--"));
  const count = Math.max(1, Number(args.find((a) => a.startsWith("--lanes="))?.split("=")[1] ?? 3) || 1);
  const times = readTimes();
  const dealt = count === 1 ? [[...files]] : dealFiles(files, count, times, times.get(CHECKS) ?? 0);
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
  const seconds = (at) => ((at - started) / 1000).toFixed(0);
  // every lane but the first, in a copy of this checkout, from the start
  const others = dealt.slice(1).map((laneFiles, i) => {
    const name = `lane-${i + 2}`;
    const cwd = copyCheckout(join(LANES, name));
    const log = join(LANES, `${name}.log`);
    const out = createWriteStream(log);
    const done = run(process.execPath, nodeTest(laneFiles), out, children, cwd).then(async (status) => {
      await new Promise((resolve) => out.end(resolve));
      return { status, at: Date.now(), text: existsSync(log) ? readFileSync(log, "utf8") : "" };
    });
    return { name, files: laneFiles, cwd, log, done };
  });
  // the first lane, in this checkout: the checks, then its files
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
  const firstLog = [];
  const tee = new (await import("node:stream")).PassThrough();
  tee.on("data", (chunk) => {
    firstLog.push(chunk);
    process.stdout.write(chunk);
  });
  // (node --test given no file would look for test files itself, the copies' included)
  const firstFiles = dealt[0] ?? [];
  const firstStatus = firstFiles.length ? await run(process.execPath, nodeTest(firstFiles), tee, children) : 0;
  const lanes = [
    {
      name: "lane-1",
      files: firstFiles,
      cwd: ROOT,
      result: { status: firstStatus, at: Date.now(), text: Buffer.concat(firstLog).toString("utf8") },
    },
  ];
  for (const lane of others) {
    const result = await lane.done;
    process.stdout.write(
      `\n# ---- ${lane.name} (${lane.files.length} files in a copy of the checkout, ${relative(ROOT, lane.cwd)}; also in ${relative(ROOT, lane.log)}) ----\n`,
    );
    process.stdout.write(result.text);
    lanes.push({ ...lane, result });
  }
  let failed = false;
  const total = { tests: 0, fail: 0, cancelled: 0 };
  const measured = new Map([[CHECKS, Math.round(checked * 10) / 10]]);
  for (const lane of lanes) {
    const c = counts(lane.result.text);
    const where = lane.cwd === ROOT ? "this checkout" : relative(ROOT, lane.cwd);
    console.log(
      `# ${lane.name} (${where}): ${lane.files.length} files, ${c.tests} tests, ${c.pass} passed, ${c.fail} failed, ${c.cancelled} cancelled, done after ${seconds(lane.result.at)} s`,
    );
    failed ||= lane.result.status !== 0;
    total.tests += c.tests;
    total.fail += c.fail;
    total.cancelled += c.cancelled;
    for (const [file, s] of fileTimesIn(lane.result.text)) measured.set(file, s);
  }
  console.log(
    `# npm test: ${total.tests} tests, ${total.fail} failed, ${total.cancelled} cancelled, in ${seconds(Date.now())} s${failed ? " (FAILED)" : ""}`,
  );
  // the next run deals its lanes by these times (a whole run's only: a partial one would leave files out)
  if (whole) {
    const sorted = Object.fromEntries([...measured].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    writeFileSync(join(ROOT, "test-output", "test-times.json"), JSON.stringify(sorted, null, 2) + "\n");
  }
  process.exit(failed ? 1 : 0);
}

if (process.argv[1] === import.meta.filename) await main();
