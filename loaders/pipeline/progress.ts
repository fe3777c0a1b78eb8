/**
 * Stage timings and progress lines. A stage's line (`[ingest] read 541,909 lines in 0.9 s`) goes to stderr when
 * the stage took more than two seconds, or always with SEGMENT_PROGRESS=1; never with SEGMENT_PROGRESS=0 (what the
 * CLI's --quiet sets).
 */

/** Stages slower than this are reported even without SEGMENT_PROGRESS. */
export const SLOW_STAGE_MS = 2000;

/** Formats a count with thousands separators. @example count(541909) // "541,909" */
export function count(n: number): string {
  return n.toLocaleString("en-US");
}

/** CPU milliseconds (user + system, every thread of the process: DuckDB's workers included) since the start. */
export function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

export class StageTimer {
  /** stage -> milliseconds, in the order the stages ran */
  readonly timings: Record<string, number> = {};
  /** stage -> CPU milliseconds of the whole process (cpuMs) */
  readonly cpu: Record<string, number> = {};
  private readonly verbose: boolean;
  private readonly silent: boolean;

  constructor(
    private readonly prefix: string,
    env: NodeJS.ProcessEnv = process.env,
    private readonly write: (line: string) => void = (line) => process.stderr.write(line),
  ) {
    this.verbose = env.SEGMENT_PROGRESS === "1";
    this.silent = env.SEGMENT_PROGRESS === "0";
  }

  /** Runs `work` as stage `name`, records its time and reports it with `describe(result)` ("read 541,909 lines"). */
  async time<T>(name: string, work: () => Promise<T> | T, describe: (result: T) => string = () => name): Promise<T> {
    const start = performance.now();
    const cpuStart = cpuMs();
    const result = await work();
    const ms = Math.round(performance.now() - start);
    this.timings[name] = (this.timings[name] ?? 0) + ms;
    this.cpu[name] = (this.cpu[name] ?? 0) + Math.round(cpuMs() - cpuStart);
    if (!this.silent && (this.verbose || ms > SLOW_STAGE_MS))
      this.write(`[${this.prefix}] ${describe(result)} in ${(ms / 1000).toFixed(1)} s\n`);
    return result;
  }
}

/**
 * Progress of a stage of several steps (the value models, cohorts and migration): `step(name)` when a step is done
 * writes `[prefix] name done after T s`, T from the stage's start, under progressPrinter's rules.
 */
export function stepProgress(
  prefix: string,
  env: NodeJS.ProcessEnv = process.env,
  write: (line: string) => void = (line) => process.stderr.write(line),
): (step: string) => void {
  const start = performance.now();
  const print = progressPrinter(prefix, env, write);
  return (step) => print(step, performance.now() - start);
}

/**
 * A progress printer for a long computation: each stage's line (`[segment] k-means k = 4 ... after 3.2 s`) goes
 * to stderr once the whole run has taken more than two seconds, or always with SEGMENT_PROGRESS=1.
 */
export function progressPrinter(
  prefix: string,
  env: NodeJS.ProcessEnv = process.env,
  write: (line: string) => void = (line) => process.stderr.write(line),
): (stage: string, elapsedMs: number) => void {
  const verbose = env.SEGMENT_PROGRESS === "1";
  const silent = env.SEGMENT_PROGRESS === "0";
  return (stage, elapsedMs) => {
    if (!silent && (verbose || elapsedMs > SLOW_STAGE_MS))
      write(`[${prefix}] ${stage} done after ${(elapsedMs / 1000).toFixed(1)} s\n`);
  };
}
