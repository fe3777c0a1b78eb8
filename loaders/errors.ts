/**
 * A problem with the user's input or configuration. Its message is one line that names the file, the line or
 * column, and what was expected; command-line entry points print it without a stack trace and exit non-zero.
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message.replace(/\s*\n\s*/g, " "));
    this.name = "InputError";
  }
}

/** Runs `main`; an InputError becomes one line on stderr and exit status 1, anything else a stack trace and 2. */
export async function runCli(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (error instanceof InputError) {
      process.stderr.write(`segment-report: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
