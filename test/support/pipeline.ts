/** The pipeline command (`npm run pipeline`) as the tests start it. */
import { join } from "node:path";
import { PROJECT_ROOT } from "../../loaders/config.ts";

/** `npm run pipeline`'s command line: [command, args] (for spawn), the bundled entry as npm runs it. */
export function pipelineCommand(args: string[] = []): [string, string[]] {
  return [process.execPath, [join(PROJECT_ROOT, "loaders", "cli", "launch.mjs"), "pipeline", ...args]];
}

/**
 * The environment of a pipeline run started from `initCwd` (relative --out paths start there): no configuration or
 * data from the caller's environment, and no progress lines (on a loaded machine even a 12-line file can pass the
 * two seconds that print them, and the tests count stderr's lines).
 */
export function pipelineEnv(initCwd: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, INIT_CWD: initCwd, SEGMENT_PROGRESS: "0" };
  delete env.SEGMENT_CONFIG;
  delete env.SEGMENT_DATA;
  return env;
}
