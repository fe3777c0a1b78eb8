/**
 * A problem with the user's input or configuration. Its message is one line that names the file, the line or
 * column, and what was expected; command-line entry points print it without a stack trace and exit non-zero.
 */
import { interrupted } from "./interrupt.ts";

export class InputError extends Error {
  constructor(message: string) {
    super(message.replace(/\s*\n\s*/g, " "));
    this.name = "InputError";
  }
}

/** Exit statuses of every command (documented in the README). */
export const EXIT = {
  ok: 0,
  /** bad input, configuration, command line or output location: one line on stderr naming what and where */
  input: 1,
  /** a bug or an unexpected failure: "internal error" and a stack trace on stderr */
  internal: 2,
} as const;

/** Runs `main`; an InputError becomes one line on stderr and exit status 1, anything else a stack trace and 2. */
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
    process.stderr.write(
      `segment-report: internal error (please report it): ${(error as Error)?.stack ?? String(error)}\n`,
    );
    process.exit(EXIT.internal);
  }
}
