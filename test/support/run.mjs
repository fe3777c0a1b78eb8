/**
 * `npm test`: the typecheck, the lint and every test file, in two lanes that run side by side.
 *
 * - The site lane holds the files that build the report (`npm run build`, `export` or `dev`, through
 *   test/support/build.ts or the command itself). Builds share the checkout's Framework cache and build lock, so
 *   these files run one at a time.
 * - The analysis lane runs the typecheck and the lint first (a failure stops everything), then the other files,
 *   one at a time. They compute in their own process and write only under test-output/ or a temporary folder.
 *
 * The analysis lane's output is shown as it comes; the site lane's is written to test-output/lanes/site.log and
 * shown when both are done. Then one line per lane and the totals. Arguments are test files (default
 * test/*\/*.test.ts) and `--lanes=1` runs everything in one lane, in order (for timing the two side by side).
 */
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

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

/** Runs a command; resolves with its exit status (output to `out`, a stream, or inherited). */
function run(command, args, out, children) {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: ROOT,
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

async function main() {
  const args = process.argv.slice(2);
  const files = testFiles(args);
  const oneLane = args.includes("--lanes=1");
  const site = oneLane ? [] : files.filter((f) => buildsSite(readFileSync(join(ROOT, f), "utf8")));
  const analysis = files.filter((f) => !site.includes(f));
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
  const siteLog = join(LANES, "site.log");
  const siteOut = createWriteStream(siteLog);
  const siteRun = site.length
    ? run(process.execPath, nodeTest(site), siteOut, children).then((status) => ({ status, at: Date.now() }))
    : Promise.resolve({ status: 0, at: started });
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
  const analysisLog = [];
  const tee = new (await import("node:stream")).PassThrough();
  tee.on("data", (chunk) => {
    analysisLog.push(chunk);
    process.stdout.write(chunk);
  });
  const analysisStatus = await run(process.execPath, nodeTest(analysis), tee, children);
  const analysisAt = Date.now();
  const siteResult = await siteRun;
  await new Promise((resolve) => siteOut.end(resolve));
  const siteText = existsSync(siteLog) ? readFileSync(siteLog, "utf8") : "";
  if (site.length) {
    process.stdout.write(`\n# ---- site lane (${site.length} files; also in ${relative(ROOT, siteLog)}) ----\n`);
    process.stdout.write(siteText);
  }
  const seconds = (at) => ((at - started) / 1000).toFixed(0);
  const a = counts(Buffer.concat(analysisLog).toString("utf8"));
  const s = counts(siteText);
  const line = (name, n, c, at) =>
    `# lane ${name}: ${n} files, ${c.tests} tests, ${c.pass} passed, ${c.fail} failed, ${c.cancelled} cancelled, done after ${seconds(at)} s`;
  console.log(line("analysis", analysis.length, a, analysisAt));
  if (site.length) console.log(line("site", site.length, s, siteResult.at));
  const failed = analysisStatus !== 0 || siteResult.status !== 0;
  console.log(
    `# npm test: ${a.tests + s.tests} tests, ${a.fail + s.fail} failed, in ${seconds(Date.now())} s${failed ? " (FAILED)" : ""}`,
  );
  process.exit(failed ? 1 : 0);
}

if (process.argv[1] === import.meta.filename) await main();
