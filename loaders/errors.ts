/**
 * A problem with the user's input or configuration. Its message is one line that names the file, the line or
 * column, and what was expected; command-line entry points print it without a stack trace and exit non-zero.
 */
import { interrupted } from "./interrupt.ts";

export class InputError extends Error {
  constructor(message: string) {
    super(cutLongValues(message.replace(/\s*\n\s*/g, " ")));
    this.name = "InputError";
  }
}

/** The longest run of characters without a space a message keeps whole (a path or a long header name fits). */
const MAX_RUN = 300;
/** The longest message kept whole (a few long values, or a list of many columns). */
const MAX_MESSAGE = 2000;

/**
 * Cuts what a message quotes from the input so that it stays one readable line: a run without spaces longer than
 * MAX_RUN characters (a 1 MB header name) keeps its start and says how long it was, and a message still longer
 * than MAX_MESSAGE characters keeps its start and says how much was left out.
 * @example cutLongValues(`found columns: "${"X".repeat(5000)}", "b"`) // `found columns: "XXX…(5,003 characters) "b"`
 */
export function cutLongValues(message: string): string {
  const runs = message.replace(
    new RegExp(`\\S{${MAX_RUN + 1},}`, "g"),
    (run) => `${run.slice(0, 80)}…(${run.length.toLocaleString("en-GB")} characters)`,
  );
  if (runs.length <= MAX_MESSAGE) return runs;
  return `${runs.slice(0, MAX_MESSAGE)}…(${(runs.length - MAX_MESSAGE).toLocaleString("en-GB")} more characters)`;
}

/** Exit statuses of every command (documented in the README). */
export const EXIT = {
  ok: 0,
  /** bad input, configuration, command line or output location: one line on stderr naming what and where */
  input: 1,
  /** a bug or an unexpected failure: "internal error" and a stack trace on stderr */
  internal: 2,
} as const;

/**
 * The one-line message for DuckDB running out of its memory limit (SEGMENT_DUCKDB_MEMORY, db/database.ts), or null
 * for any other error. Not a bug: the input needs more memory than the limit allows (the ordered sums' lists and
 * the per-customer groups do not spill to disk).
 */
export function memoryLimitMessage(error: unknown, limit = process.env.SEGMENT_DUCKDB_MEMORY ?? "2GB"): string | null {
  const first = String((error as Error)?.message ?? error).split("\n")[0];
  const match = /^Out of Memory Error: (.*)$/.exec(first);
  if (!match) return null;
  return (
    `DuckDB ran out of its memory limit of ${limit} (${match[1]}); ` +
    `set SEGMENT_DUCKDB_MEMORY to more (e.g. SEGMENT_DUCKDB_MEMORY=6GB) on a machine that has it`
  );
}

/**
 * Runs `main`; an InputError becomes one line on stderr and exit status 1, as does DuckDB running out of its
 * memory limit (memoryLimitMessage); anything else a stack trace and 2.
 */
export async function runCli(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    // interrupted: a cancelled query or removed file fails the work, but the signal's handler says so and exits
    if (interrupted()) return new Promise(() => undefined);
    if (error instanceof InputError) {
      process.stderr.write(`segment-report: ${error.message}\n`);
      process.exit(EXIT.input);
    }
    const memory = memoryLimitMessage(error);
    if (memory) {
      process.stderr.write(`segment-report: ${memory}\n`);
      process.exit(EXIT.input);
    }
    process.stderr.write(
      `segment-report: internal error (please report it): ${(error as Error)?.stack ?? String(error)}\n`,
    );
    process.exit(EXIT.internal);
  }
}
