/**
 * `npm run pipeline -- --data FILE --out DIR [options]`: runs the pipeline and writes DIR/customers.csv and
 * DIR/summary.json (and DIR/timings.json). Bad input: one line on stderr, exit status 1, no output files.
 */
import { resolve } from "node:path";
import { InputError, runCli } from "../errors.ts";
import { count } from "../pipeline/progress.ts";
import { valueLine } from "../value/index.ts";
import { runPipeline } from "../pipeline/index.ts";
import { configFromArgs, parsePipelineArgs, PIPELINE_USAGE } from "./args.ts";

async function main(): Promise<void> {
  const args = parsePipelineArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(`${PIPELINE_USAGE}\n`);
    return;
  }
  if (!args.out) throw new InputError("command line: --out DIR is required (see --help)");
  const cwd = process.env.INIT_CWD ?? process.cwd();
  // --quiet: no input block and no progress lines; warnings still go to stderr
  if (args.quiet) process.env.SEGMENT_PROGRESS = "0";
  const log = args.quiet
    ? (text: string) => void (text.startsWith("segment-report: warning") && process.stderr.write(text))
    : undefined;
  const { summary, files } = await runPipeline(configFromArgs(args, cwd), resolve(cwd, args.out), {
    cwd,
    log,
    segmentsOnly: args.segmentsOnly,
  });
  const dropped = Object.entries(summary.dropped)
    .filter(([, n]) => n > 0)
    .map(([reason, n]) => `${reason} ${count(n)}`)
    .join(", ");
  const table = summary.customer_table !== undefined;
  process.stdout.write(
    `kept ${count(summary.rows_kept)} of ${count(summary.rows_in)} ${table ? "rows" : "lines"} (${table ? "set aside" : "dropped"}: ${dropped || "none"}); ` +
      `${count(summary.customers)} customers, snapshot ${summary.snapshot_date}\n` +
      (summary.kept_without_customer.lines
        ? `kept lines without a customer: ${count(summary.kept_without_customer.lines)} ` +
          `(revenue ${summary.kept_without_customer.revenue.toFixed(2)}), in no customer or segment figure\n`
        : "") +
      (table
        ? `spending (the table's summed columns): ${summary.revenue.toFixed(2)}\n`
        : `revenue (${summary.revenue_basis}): gross ${summary.gross_revenue.toFixed(2)}, returned ${summary.returned_revenue.toFixed(2)}, ` +
          `net ${summary.net_revenue.toFixed(2)}; ${count(summary.returns.unmatched_lines)} return lines unmatched; ` +
          `${count(summary.set_aside.fully_returned.customers)} customer${summary.set_aside.fully_returned.customers === 1 ? "" : "s"} set aside (fully_returned)\n`) +
      `${summary.k_reason}\n` +
      summary.clusters.map((c) => `  ${c.name}: ${count(c.size)} customers\n`).join("") +
      `${valueLine(summary.value)}\n` +
      files.map((f) => `wrote ${f}\n`).join(""),
  );
}

await runCli(main);
