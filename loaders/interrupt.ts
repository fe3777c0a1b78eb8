/**
 * Ctrl-C (SIGINT), SIGTERM and SIGHUP: every command cleans up what it made before it exits (the staging folder in
 * --out, the build lock, the UTF-8 copy of a Windows-1252 input, the server-side query of a database source), says
 * so in one line, and exits with 128 + the signal's number. Cleanups are registered with `onInterrupt` and run once,
 * on a signal or at exit, newest first. JavaScript sees a signal only when it returns to the event loop, so the
 * long computations (the k search, the bootstrap refits, the method comparison) pass a `checkpoint` between their
 * steps: there the signal is handled and the computation stops, and the command exits within one step (one k, one
 * refit, one compared fit) of the signal. The commands run under `node --import tsx` or plain node (package.json),
 * so no wrapper process kills them before they have cleaned up.
 */

import { spawn, type SpawnOptions } from "node:child_process";

type Cleanup = () => void | Promise<void>;

const cleanups = new Set<Cleanup>();
let installed = false;
let exiting = false;
/** how long asynchronous cleanups (cancelling a server query) may take before the process exits anyway */
const ASYNC_CLEANUP_MS = 3000;

function runSync(): void {
  for (const cleanup of [...cleanups].reverse()) {
    cleanups.delete(cleanup);
    try {
      void Promise.resolve(cleanup()).catch(() => undefined);
    } catch {
      // best effort: one failed cleanup must not stop the others
    }
  }
}

/** True once a signal arrived: the command is cleaning up and will exit with the signal's status. */
export function interrupted(): boolean {
  return exiting;
}

/**
 * A point between two steps of a long computation: returns to the event loop once (a macrotask, so the handler of a
 * signal that arrived meanwhile runs) and, once a signal arrived, never resolves: the computation stops there
 * while the handler cleans up and exits. Costs a few microseconds; the results do not depend on it.
 */
export async function checkpoint(): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (exiting) await new Promise<never>(() => undefined);
}

async function onSignal(signal: NodeJS.Signals, code: number): Promise<void> {
  if (exiting) return;
  exiting = true;
  process.stderr.write(`segment-report: interrupted (${signal}); cleaning up\n`);
  // newest first, one after the other: a child process is stopped before the folder it writes into is removed
  const deadline = performance.now() + ASYNC_CLEANUP_MS;
  for (const cleanup of [...cleanups].reverse()) {
    cleanups.delete(cleanup);
    try {
      const pending = cleanup();
      if (pending) await within(pending, deadline - performance.now());
    } catch {
      // best effort: one failed cleanup must not stop the others
    }
  }
  process.exit(code);
}

/** Waits for `work` (its failure ignored), at most `ms` milliseconds. */
async function within(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    work.catch(() => undefined),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, ms)))),
  ]);
  clearTimeout(timer);
}

/** Registers `cleanup` to run on SIGINT, SIGTERM, SIGHUP or at exit; returns a function that unregisters it. */
export function onInterrupt(cleanup: Cleanup): () => void {
  if (!installed) {
    installed = true;
    process.on("exit", runSync);
    const codes = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
    for (const [signal, code] of Object.entries(codes) as [NodeJS.Signals, number][])
      process.on(signal, () => void onSignal(signal, code));
  }
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/**
 * Runs a command as a child process and resolves when it ends, with its exit status and, when `stdio[2]` is
 * "pipe", its stderr. Unlike spawnSync, the event loop stays free: a signal is handled at once, and the child gets
 * SIGTERM before the cleanups registered earlier run (a Framework build stops writing into the staging folder
 * before that folder is removed). After a signal the promise never settles, so the command does not go on.
 */
export function runChild(
  command: string,
  args: string[],
  options: SpawnOptions,
): Promise<{ status: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, options);
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const ended = new Promise<void>((done) => child.once("close", () => done()));
    const forget = onInterrupt(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      return ended;
    });
    child.once("error", (error) => {
      forget();
      reject(error);
    });
    child.once("close", (status, signal) => {
      forget();
      if (!exiting) resolve({ status, signal, stderr });
    });
  });
}
