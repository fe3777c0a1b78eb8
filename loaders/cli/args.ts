/** The pipeline's command line: options, usage text, and the configuration they select. */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { isCalendarDate, loadConfig, type Config } from "../config.ts";
import { InputError } from "../errors.ts";

export const PIPELINE_USAGE = `usage: npm run pipeline -- --data FILE --out DIR [options]

Reads a transactions file (CSV or TSV, optionally gzipped), cleans it, computes customer features, RFM scores and
segments and K-Means clusters, and writes DIR/customers.csv, DIR/summary.json, DIR/timings.json and DIR/model.json
(the fitted segmentation, to score new data with: npm run score).

With "source": {"kind": "postgres", ...} in the configuration, a PostgreSQL table or query is read instead of a file
and the work runs inside the database (the connection string from DATABASE_URL, or the variable named by
"source.url_env"; see the README).

options:
  --data PATH                   input file or folder (default: "data" in the configuration, SEGMENT_DATA, or the demo
                                data; a path given here or in SEGMENT_DATA is read instead of a configured database)
  --out DIR                     output folder (required)
  --config FILE                 configuration file (default: SEGMENT_CONFIG or segment.config.json)
  --snapshot YYYY-MM-DD         analysis day (default: the day after the last purchase)
  --gross                       gross revenue: do not net returns off purchases (default: net of matched returns,
                                customers whose net revenue is zero or less set aside as fully_returned)
  --keep-cancellations          keep invoices starting with C
  --keep-missing-customer       keep lines without a customer id
  --keep-nonpositive-quantity   keep lines with quantity <= 0
  --keep-nonpositive-price      keep lines with unit price <= 0
  --keep-nonpositive-amount     keep lines with amount <= 0 (when columns.amount is mapped)
  --keep-non-product            keep non-product stock codes (postage, fees, adjustments)
  --drop-duplicates             drop exact repeats of a line (first occurrence kept)
  --segments-only               the segmentation alone: read, clean, features, RFM, K-Means for every k with its
                                metrics and the choice of k (by silhouette and elbow: no bootstrap stability); no
                                method comparison, customer value, cohorts or migration
  --quiet                       print nothing on stderr but warnings and errors (no input block, no progress)
  -h, --help                    show this help
Progress lines (lines read, k done of k total) go to stderr for stages over a few seconds; SEGMENT_PROGRESS=1
prints one for every stage, SEGMENT_PROGRESS=0 (as --quiet) none.`;

/** Cleaning flags -> the cleaning setting each one overrides, and its value. */
const CLEANING_FLAGS = {
  "keep-cancellations": ["drop_cancellations", false],
  "keep-missing-customer": ["drop_missing_customer", false],
  "keep-nonpositive-quantity": ["drop_nonpositive_quantity", false],
  "keep-nonpositive-price": ["drop_nonpositive_price", false],
  "keep-nonpositive-amount": ["drop_nonpositive_amount", false],
  "keep-non-product": ["drop_non_product_codes", false],
  "drop-duplicates": ["drop_duplicates", true],
} as const;

export interface PipelineArgs {
  help: boolean;
  data?: string;
  out?: string;
  config?: string;
  snapshot?: string;
  /** --gross: revenue "gross" instead of the configured basis */
  gross: boolean;
  /** --segments-only: the segmentation alone (pipeline/index.ts AnalyseOptions) */
  segmentsOnly: boolean;
  /** --quiet: no input block or progress on stderr */
  quiet: boolean;
  cleaning: Record<string, boolean>;
}

/** Parses the command line; unknown options and missing values are InputErrors. */
export function parsePipelineArgs(argv: string[]): PipelineArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        data: { type: "string" },
        out: { type: "string" },
        config: { type: "string" },
        snapshot: { type: "string" },
        gross: { type: "boolean" },
        "segments-only": { type: "boolean" },
        quiet: { type: "boolean" },
        help: { type: "boolean", short: "h" },
        ...Object.fromEntries(Object.keys(CLEANING_FLAGS).map((flag) => [flag, { type: "boolean" as const }])),
      },
    });
  } catch (error) {
    throw new InputError(`command line: ${(error as Error).message.split("\n")[0]} (see --help)`);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const cleaning: Record<string, boolean> = {};
  for (const [flag, [setting, value]] of Object.entries(CLEANING_FLAGS)) if (values[flag]) cleaning[setting] = value;
  const snapshot = values.snapshot as string | undefined;
  if (snapshot !== undefined) {
    if (!isCalendarDate(snapshot))
      throw new InputError(`command line: --snapshot should be a date YYYY-MM-DD, got "${snapshot}"`);
  }
  return {
    help: values.help === true,
    data: values.data as string | undefined,
    out: values.out as string | undefined,
    config: values.config as string | undefined,
    snapshot,
    gross: values.gross === true,
    segmentsOnly: values["segments-only"] === true,
    quiet: values.quiet === true,
    cleaning,
  };
}

/** The configuration for parsed arguments: config file, data and cleaning flags; relative paths from `cwd`. */
export function configFromArgs(args: PipelineArgs, cwd: string, env: NodeJS.ProcessEnv = process.env): Config {
  const overrides: Record<string, unknown> = {};
  if (args.snapshot) overrides.snapshot_date = args.snapshot;
  if (args.gross) overrides.revenue = "gross";
  if (Object.keys(args.cleaning).length) overrides.cleaning = args.cleaning;
  return loadConfig({
    file: args.config === undefined ? undefined : resolve(cwd, args.config),
    data: args.data === undefined ? undefined : resolve(cwd, args.data),
    env,
    overrides,
  });
}
