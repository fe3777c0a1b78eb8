/**
 * The short block a run prints on stderr once the input is read: which file, which layout, which header holds each
 * column, how dates were read, and in which encoding, so a wrong guess is visible before anyone reads the report.
 */
import { count } from "../pipeline/progress.ts";
import type { DatesRead } from "./csv.ts";
import type { Encoding } from "./encoding.ts";
import type { Recognition } from "./index.ts";

export interface RecognisedInput {
  file: string;
  recognition: Recognition;
  dates: DatesRead;
  encoding: Encoding;
  encoding_reason: string;
  /** lines set aside as implausible_date, the first one's place, and the window */
  implausible: { lines: number; where: string; from: string; to: string } | null;
  /** customer ids written more than one way, merged */
  merged: { customers: number; spellings: number } | null;
  /** lines whose quantity is not a whole number, the first one's place and text */
  fractional?: { lines: number; where: string; text: string } | null;
}

const lines = (n: number) => `${count(n)} line${n === 1 ? "" : "s"}`;

function orderText(dates: DatesRead): string {
  if (dates.order === null) return "";
  const how =
    dates.order === "month-first" ? "month first (12/1/2010 is 1 December)" : "day first (1/12/2010 is 1 December)";
  const why =
    dates.format !== "auto"
      ? `, as date_format is set`
      : dates.order_evident
        ? ", shown by dates with a number above 12"
        : `; no date has a number above 12, so this is the usual order for these dates (set "date_format" if wrong)`;
  return `, day and month read ${how}${why}`;
}

/** The block, several lines, each ending with a line break. */
export function recognisedBlock(input: RecognisedInput): string {
  const columns = input.recognition.columns.map(([name, header]) => `${name} <- ${header}`).join(", ");
  const dateHeader = input.recognition.columns.find(([name]) => name === "invoice_date")?.[1] ?? "invoice_date";
  const forms = input.dates.forms.map((f) => `${f.form} ${lines(f.lines)}`).join(", ");
  const format = input.dates.format === "auto" ? "" : ` (date_format ${JSON.stringify(input.dates.format)})`;
  const encoding =
    input.encoding === "utf-8" ? "UTF-8" : `Windows-1252 (${input.encoding_reason || "not valid UTF-8"})`;
  const out = [
    `segment-report: input ${input.file}`,
    `  layout:   ${input.recognition.layout}; ${input.recognition.format}`,
    `  columns:  ${columns}`,
    `  dates:    ${dateHeader}${format}: ${forms || "none"}${orderText(input.dates)}`,
  ];
  if (input.implausible)
    out.push(
      `            ${lines(input.implausible.lines)} dated outside ${input.implausible.from} to ${input.implausible.to} set aside as implausible_date (first: ${input.implausible.where})`,
    );
  if (input.fractional)
    out.push(
      `  quantity: ${lines(input.fractional.lines)} with a quantity that is not a whole number (first: ${input.fractional.where}, ${input.fractional.text}), kept as read: weights or lengths? (units expected)`,
    );
  out.push(`  encoding: ${encoding}`);
  if (input.merged && input.merged.customers)
    out.push(
      `  customer ids: ${count(input.merged.customers)} customer${input.merged.customers === 1 ? "" : "s"} written more than one way (${count(input.merged.spellings)} spelling${input.merged.spellings === 1 ? "" : "s"} merged by customer_id_normalise)`,
    );
  return out.map((l) => `${l}\n`).join("");
}
