/**
 * `npm run score -- --model DIR/model.json --data FILE --out DIR2`: scores FILE with a saved model (no refitting)
 * and writes DIR2/customers.csv and DIR2/summary.json; the drift against the training data goes to stderr, with a
 * one-line warning when a threshold is passed. Bad input: one line on stderr, exit status 1, nothing written.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { isCalendarDate } from "../config.ts";
import { InputError, runCli } from "../errors.ts";
import { readModel } from "../model/load.ts";
import { count } from "../pipeline/progress.ts";
import { loadScoringConfig, runScore } from "../pipeline/score.ts";

export const SCORE_USAGE = `usage: npm run score -- --model DIR/model.json --data FILE --out DIR2 [options]

Scores the customers in FILE with a saved model (the model.json npm run pipeline writes), without refitting: FILE is
read and cleaned with the model's settings, every customer gets the model's segment and RFM segment, and
DIR2/customers.csv and DIR2/summary.json are written. Drift against the training data is printed on stderr and
kept in summary.json; past a threshold ("drift" in the configuration) a warning advises to refit.

options:
  --model FILE            the saved model (required)
  --data PATH             the data to score (required)
  --out DIR               output folder (required)
  --config FILE           configuration file (drift thresholds, plausible dates); the model's input settings win
  --snapshot YYYY-MM-DD   analysis day (default: the day after the last purchase in PATH)
  -h, --help              show this help`;

function parseScoreArgs(argv: string[]) {
  let values;
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        model: { type: "string" },
        data: { type: "string" },
        out: { type: "string" },
        config: { type: "string" },
        snapshot: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }).values;
  } catch (error) {
    throw new InputError(`command line: ${(error as Error).message.split("\n")[0]} (see --help)`);
  }
  if (values.snapshot !== undefined && !isCalendarDate(values.snapshot))
    throw new InputError(`command line: --snapshot should be a date YYYY-MM-DD, got "${values.snapshot}"`);
  return values;
}

async function main(): Promise<void> {
  const args = parseScoreArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(`${SCORE_USAGE}\n`);
    return;
  }
  for (const option of ["model", "data", "out"] as const)
    if (!args[option]) throw new InputError(`command line: --${option} is required (see --help)`);
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const modelFile = resolve(cwd, args.model as string);
  const model = readModel(modelFile);
  const config = loadScoringConfig(model, {
    data: resolve(cwd, args.data as string),
    config: args.config === undefined ? undefined : resolve(cwd, args.config),
    snapshot: args.snapshot,
    env: process.env,
  });
  const { summary, files } = await runScore(model, modelFile, config, resolve(cwd, args.out as string));
  const drift = summary.drift;
  const worst = [...drift.features].sort((a, b) => Math.abs(b.shift_sd) - Math.abs(a.shift_sd))[0];
  process.stderr.write(
    `segment-report: drift: ${(drift.outside_share * 100).toFixed(1)}% of customers beyond the training 99th percentile distance; ` +
      `largest mean shift ${worst.feature} ${worst.shift_sd.toFixed(2)} SD; ` +
      `largest segment change ${Math.max(...drift.segments.map((s) => Math.abs(s.change * 100))).toFixed(1)} points\n` +
      (drift.warning ? `segment-report: warning: ${drift.warning}\n` : ""),
  );
  process.stdout.write(
    `scored ${count(summary.customers)} customers with model ${summary.model.model_id} (fitted on ${summary.model.training.source}, snapshot ${summary.model.training.snapshot_date})\n` +
      summary.segments.map((s) => `  ${s.segment}: ${count(s.customers)} customers\n`).join("") +
      files.map((f) => `wrote ${f}\n`).join(""),
  );
}

await runCli(main);
