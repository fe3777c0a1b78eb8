/**
 * Ctrl-C (SIGINT), SIGTERM and SIGHUP: every command cleans up what it made before it exits (the staging folder in
 * --out, the build lock, the UTF-8 copy of a Windows-1252 input, the server-side query of a database source), says
 * so in one line, and exits with 128 + the signal's number. Cleanups are registered with `onInterrupt` and run once,
 * on a signal or at exit, newest first. A signal that arrives while JavaScript is busy (k-means on a large input)
 * is handled as soon as the current step returns to the event loop; the commands run under `node --import tsx`
 * (package.json), so no wrapper process kills them before they have cleaned up.
 */

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

async function onSignal(signal: NodeJS.Signals, code: number): Promise<void> {
  if (exiting) return;
  exiting = true;
  process.stderr.write(`segment-report: interrupted (${signal}); cleaning up\n`);
  const pending: Promise<unknown>[] = [];
  for (const cleanup of [...cleanups].reverse()) {
    cleanups.delete(cleanup);
    try {
      pending.push(Promise.resolve(cleanup()).catch(() => undefined));
    } catch {
      // best effort
    }
  }
  await Promise.race([Promise.all(pending), new Promise((resolve) => setTimeout(resolve, ASYNC_CLEANUP_MS).unref())]);
  process.exit(code);
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
