/**
 * `npm run export`: the report as stakeholders receive it, beside the site in `dist/` (or `--out DIR`):
 * `report.html`, one self-contained file (every page, chart and control; no network), and `report.pdf`, printed
 * from it by Chromium. Builds the site first (`npm run build`, which reuses unchanged report data);
 * `--no-build` exports the site already in the folder.
 */
import { parseArgs } from "node:util";
import { join, relative, resolve } from "node:path";
import { PROJECT_ROOT } from "../config.ts";
import { InputError, runCli } from "../errors.ts";
import { runChild } from "../interrupt.ts";
import { findChromium } from "../publish/chromium.ts";
import { printReport } from "../publish/pdf.ts";
import { assembleSingleFile } from "../publish/single-file.ts";
import { writeFileWhole } from "../output/replace.ts";
import { addToMarker } from "../site/folder.ts";

const seconds = (since: number): string => `${((performance.now() - since) / 1000).toFixed(1)} s`;

const USAGE = "usage: npm run export -- [--out DIR] [--no-build]";

function parseExportArgs(argv: string[]): { out?: string; build: boolean } {
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: { out: { type: "string" }, "no-build": { type: "boolean" } },
    });
    return { out: values.out, build: values["no-build"] !== true };
  } catch (error) {
    throw new InputError(`command line: ${(error as Error).message.split("\n")[0]} (${USAGE})`);
  }
}

async function main(): Promise<void> {
  const args = parseExportArgs(process.argv.slice(2));
  const dist = resolve(process.env.INIT_CWD ?? process.cwd(), args.out ?? join(PROJECT_ROOT, "dist"));
  findChromium(); // before the build: a missing Chromium is a one-line error at once
  if (args.build) {
    // as `npm run build` runs it: node itself (not the tsx wrapper, which kills a busy child before it can clean up
    // on Ctrl-C) on the bundled entry (loaders/cli/launch.mjs); not spawnSync: a SIGTERM to this process reaches
    // the build, which cleans up (loaders/interrupt.ts runChild)
    const build = await runChild(
      process.execPath,
      [join(PROJECT_ROOT, "loaders", "cli", "launch.mjs"), "build", "--out", dist],
      {
        cwd: PROJECT_ROOT,
        stdio: "inherit",
      },
    );
    if (build.status !== 0) process.exit(build.status ?? 1);
  }
  const show = (path: string): string => relative(process.cwd(), path) || path;
  let started = performance.now();
  const { html, pages } = await assembleSingleFile(dist).catch((error: Error) => {
    throw new InputError(error.message);
  });
  const htmlFile = join(dist, "report.html");
  writeFileWhole(htmlFile, html);
  addToMarker(dist, ["report.html"]);
  process.stderr.write(
    `segment-report: ${show(htmlFile)}: ${pages.length} pages in one file, ${(Buffer.byteLength(html) / 1e6).toFixed(2)} MB (${seconds(started)})\n`,
  );
  started = performance.now();
  const printed = await printReport(htmlFile);
  if (printed.errors.length)
    throw new InputError(`${show(htmlFile)}: errors while printing: ${printed.errors.slice(0, 3).join("; ")}`);
  const pdfFile = join(dist, "report.pdf");
  writeFileWhole(pdfFile, printed.pdf);
  addToMarker(dist, ["report.pdf"]);
  const sheets = printed.startPages.length
    ? (printed.pdf.toString("latin1").match(/\/Type\s*\/Page(?![a-zA-Z])/g)?.length ?? 0)
    : 0;
  process.stderr.write(
    `segment-report: ${show(pdfFile)}: ${sheets} pages, ${(printed.pdf.length / 1e6).toFixed(2)} MB (${seconds(started)})\n`,
  );
}

await runCli(main);
