/**
 * How long a command takes to clean up and exit after a signal (issue 23 #4):
 * `node bench/interrupt-delay.mjs ROOT SCRIPT PATTERN DELAY_MS SIGNAL [args...]` runs `npm run SCRIPT` of the checkout
 * ROOT as package.json says (through `sh -c exec`), sends SIGNAL DELAY_MS after PATTERN shows on stderr (with
 * SEGMENT_PROGRESS=1, e.g. "kmeans k = 3 and"), and prints one JSON line: the milliseconds from the signal to the
 * exit, the exit status, and what was left (the build lock, --out's entries, the temporary folder's entries). An
 * argument OUT is replaced by a fresh output folder. Example (a Windows-1252 copy of Online Retail, so the run has
 * a UTF-8 copy to remove):
 *   node bench/interrupt-delay.mjs . pipeline "kmeans k = 3 and" 0 SIGTERM --data /tmp/retail-1252.csv.gz --out OUT
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";

const [rootArg, script, pattern, delay, signal, ...args] = process.argv.slice(2);
const root = resolve(rootArg);
const command = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).scripts[script];
const tmp = mkdtempSync(join(tmpdir(), "segment-interrupt-delay-"));
const out = join(tmp, "out");
const env = {
  ...process.env,
  TMPDIR: tmp,
  INIT_CWD: tmp,
  SEGMENT_PROGRESS: "1",
  PATH: `${join(root, "node_modules", ".bin")}${delimiter}${process.env.PATH}`,
};
const started = performance.now();
const child = spawn("sh", ["-c", `exec ${command} "$@"`, "sh", ...args.map((a) => (a === "OUT" ? out : a))], {
  cwd: root,
  env,
});
let stderr = "";
let sentAt = null;
child.stderr.on("data", (chunk) => {
  stderr += chunk;
  if (sentAt === null && new RegExp(pattern).test(stderr)) {
    sentAt = -1;
    setTimeout(() => {
      sentAt = performance.now();
      child.kill(signal);
    }, Number(delay));
  }
});
child.on("exit", (status, by) => {
  const ms = sentAt > 0 ? Math.round(performance.now() - sentAt) : null;
  console.log(
    JSON.stringify({
      script,
      signal,
      signal_to_exit_ms: ms,
      signalled_after_s: sentAt > 0 ? +((sentAt - started) / 1000).toFixed(1) : null,
      status,
      by,
      lock_left: existsSync(join(root, ".segment-cache", "build.lock")),
      out_left: existsSync(out) ? readdirSync(out) : [],
      temp_left: readdirSync(tmp).filter((name) => name !== "out" && !name.startsWith("tsx-")),
      last: stderr.trim().split("\n").slice(-3),
    }),
  );
  rmSync(tmp, { recursive: true, force: true });
});
