/**
 * Invoice dates as DuckDB SQL, and how a column's dates are read. Forms recognised (one value at a time, by shape):
 * ISO (`2010-12-01 08:26:00`, `2010-12-01T08:26`, `2010-12-01`, with or without a zone: `Z`, `+01:00`, `+0100`,
 * ` UTC`), `2010/12/01`, day and month with slashes, dashes or dots (`12/1/2010 8:26`, `01-12-2010`, `1.12.10`,
 * 12- or 24-hour times), compact `YYYYMMDD` (`19970101`) and Excel serial day numbers (`40513.35`, 1900 system).
 * Timestamps are naive local times: a zone is ignored, nothing is shifted (recency counts calendar days as written).
 * The order of day and month is decided once for the whole column (`decideDateOrder`), or set by `date_format`.
 */
import { sqlString } from "../db/sql.ts";
import { InputError } from "../errors.ts";

/** `month-first` (US spreadsheets: 12/1/2010 is 1 December) or `day-first` (1/12/2010 is 1 December). */
export type DateOrder = "month-first" | "day-first";

const TIMES = [" %H:%M:%S", " %H:%M", "", " %I:%M:%S %p", " %I:%M %p", "T%H:%M:%S", "T%H:%M"];

/** strptime formats for day-and-month dates in one order (two-digit years before four-digit ones). */
export function dateFormats(order: DateOrder): string[] {
  const dm = order === "month-first" ? ["%m", "%d"] : ["%d", "%m"];
  const days = ["/", "-", "."].flatMap((sep) => ["%y", "%Y"].map((year) => [...dm, year].join(sep)));
  return days.flatMap((day) => TIMES.map((time) => day + time));
}

/** SQL: `text` starts like an ISO date (`2010-12-...`, not `12-1-2010`). */
function isoLike(text: string): string {
  return `(${text}[5:5] = '-' AND NOT contains(${text}[1:4], '-'))`;
}

/** SQL: `text` starts like `2010/12/01`. */
function ymdLike(text: string): string {
  return `(${text}[5:5] = '/' AND NOT contains(${text}[1:4], '/'))`;
}

/** Day and month with a separator, then a two- or four-digit year: the parts that decide the order. */
const DAY_MONTH = "^([0-9]{1,2})([/.-])([0-9]{1,2})[/.-]([0-9]{4}|[0-9]{2})([ T]|$)";
/** A zone after an ISO time: `Z`, `+01:00`, `+0100`, `-05`, ` UTC`, ` GMT`. */
const ZONE = "([0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?) ?(Z|z|UTC|GMT|[+-][0-9]{2}(:?[0-9]{2})?)$";

/**
 * The shape of each date value (DuckDB TINYINT column `date_form`): the forms found are reported, and the
 * day-and-month codes decide the order. Codes: 1 ISO, 2 ISO with a zone, 3 YYYY/MM/DD, 4 YYYYMMDD, 5 Excel serial,
 * 10 + 2 x kind + (1 if the separator is a slash): kind 0 both numbers <= 12 (either order), 1 the first is above
 * 12 (day first), 2 the second is above 12 (month first), 3 neither order is a date; 0 anything else.
 */
export const DATE_FORM = { iso: 1, isoZone: 2, ymdSlash: 3, compact: 4, excel: 5, dayMonth: 10 } as const;

/** What a date_form code means, for messages and the recognised block. */
export function dateFormName(code: number): string {
  if (code === DATE_FORM.iso) return "ISO (2010-12-01 08:26:00)";
  if (code === DATE_FORM.isoZone) return "ISO with a zone (2010-12-01T08:26:00+01:00; the zone is ignored)";
  if (code === DATE_FORM.ymdSlash) return "year/month/day (2010/12/01)";
  if (code === DATE_FORM.compact) return "YYYYMMDD (20101201)";
  if (code === DATE_FORM.excel) return "Excel serial day numbers (40513.35)";
  if (code >= 10 && code <= 17) return `day and month with ${code % 2 ? "slashes" : "dashes or dots"}`;
  return "unrecognised";
}

/**
 * SQL: the numbers and separator of a day-and-month date (a struct a, s, b; empty strings when `text` has another
 * form), computed a projection layer before dateFormSql uses it. ISO values skip the regular expression.
 */
export function dayMonthPartsSql(text: string): string {
  return `CASE WHEN NOT ${isoLike(text)} THEN regexp_extract(${text}, '${DAY_MONTH}', ['a', 's', 'b']) END`;
}

/** SQL: the date_form code of the trimmed text column `text`, with `parts` its dayMonthPartsSql column. */
export function dateFormSql(text: string, parts: string): string {
  const a = `TRY_CAST(${parts}.a AS INTEGER)`;
  const b = `TRY_CAST(${parts}.b AS INTEGER)`;
  const kind =
    `(CASE WHEN ${a} = 0 OR ${b} = 0 THEN 3 WHEN ${a} <= 12 AND ${b} <= 12 THEN 0 WHEN ${a} <= 31 AND ${b} <= 12 THEN 1` +
    ` WHEN ${a} <= 12 AND ${b} <= 31 THEN 2 ELSE 3 END)`;
  return (
    `CAST(CASE WHEN ${text} IS NULL THEN 0` +
    ` WHEN ${isoLike(text)} THEN (CASE WHEN (length(${text}) > 19 OR (length(${text}) > 16 AND ${text}[17:17] <> ':')) AND regexp_matches(${text}, '${ZONE}') THEN 2 ELSE 1 END)` +
    ` WHEN ${ymdLike(text)} THEN 3 WHEN regexp_full_match(${text}, '[0-9]{8}') THEN 4` +
    ` WHEN regexp_full_match(${text}, '[0-9]{1,5}(\\.[0-9]+)?') THEN 5` +
    ` WHEN ${parts}.a IS NULL OR ${parts}.a = '' THEN 0` +
    ` ELSE ${kind} * 2 + 10 + (${parts}.s = '/')::INTEGER END AS TINYINT)`
  );
}

/** How the dates of a column are parsed: the date_format setting and the order of day and month. */
export interface DateReading {
  /** a name of DATE_FORMATS or a strptime pattern */
  format: string;
  order: DateOrder;
}

/**
 * A SQL expression turning the (trimmed) VARCHAR column `text` into a TIMESTAMP, NULL when it is empty or does
 * not parse in the configured format. DuckDB's cast only sees values shaped `YYYY-...`: it would read `12/1/10` as
 * the year 12.
 * @example timestampSql("c4", { format: "auto", order: "month-first" })
 * // "CASE WHEN c4[5:5] = '-' THEN COALESCE(TRY_CAST(c4 AS TIMESTAMP), ...) WHEN ... END"
 */
export function timestampSql(text: string, reading: DateReading): string {
  const iso = `COALESCE(TRY_CAST(${text} AS TIMESTAMP), TRY_CAST(regexp_replace(${text}, '${ZONE}', '\\1') AS TIMESTAMP))`;
  const ymd = `try_strptime(${text}, [${["%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d"].map(sqlString).join(", ")}])`;
  const dayMonth = `try_strptime(${text}, [${dateFormats(reading.order).map(sqlString).join(", ")}])`;
  const compact = `try_strptime(${text}, '%Y%m%d')`;
  // 25569 days from 1899-12-30 (Excel's day 0, counting its 1900 leap day) to 1970-01-01; to the nearest second
  const excel = `make_timestamp(CAST(round((CAST(${text} AS DOUBLE) - 25569) * 86400) AS BIGINT) * 1000000)`;
  const isExcel = `regexp_full_match(${text}, '[0-9]{1,5}(\\.[0-9]+)?')`;
  switch (reading.format) {
    case "iso":
      return `CASE WHEN ${isoLike(text)} THEN ${iso} END`;
    case "yyyymmdd":
      return `CASE WHEN length(${text}) = 8 THEN ${compact} END`;
    case "excel":
      return `CASE WHEN ${isExcel} THEN ${excel} END`;
    case "auto":
    case "month-first":
    case "day-first":
      return (
        `CASE WHEN ${isoLike(text)} THEN ${iso} WHEN ${ymdLike(text)} THEN ${ymd}` +
        ` WHEN regexp_full_match(${text}, '[0-9]{8}') THEN ${compact} WHEN ${isExcel} THEN ${excel} ELSE ${dayMonth} END`
      );
    default:
      return `try_strptime(${text}, ${sqlString(reading.format)})`;
  }
}

/** The order a date_format setting fixes, or null when the column decides ("auto"). */
export function configuredOrder(format: string): DateOrder | null {
  return format === "month-first" || format === "day-first" ? format : format === "auto" ? null : "month-first";
}

/** Per date_form code: how many lines have it and the first of them (0-based data row). */
export type DateForms = Map<number, { lines: number; first: number }>;

/** Minimum share of the day-and-month lines that must show an order for it to override the usual one. */
export const ORDER_EVIDENCE_SHARE = 0.05;

/** A line of the file quoted in a message: where it is and its date text. */
export interface QuotedLine {
  /** "line 5" or "line 7 (record 6)" */
  where: string;
  text: string;
}

/** A column whose dates disagree on the order: the two lines to quote, and why. */
export interface OrderConflict {
  kind: "both" | "minority";
  /** the line showing the other order (day first when the usual order is month first) */
  evident: number;
  /** a line showing the usual order, or (kind "minority") a line that reads either way */
  other: number;
  /** lines showing `evident`'s order, and day-and-month lines in all */
  evidentLines: number;
  dayMonthLines: number;
  evidentOrder: DateOrder;
}

/** The usual order: month first when any day-and-month date uses slashes (US spreadsheets), else day first. */
function usualOrder(forms: DateForms): DateOrder {
  for (const code of forms.keys()) if (code >= 10 && code % 2 === 1) return "month-first";
  return "day-first";
}

/**
 * Decides the order of day and month for a whole column from its date_form counts. Lines with a number above 12
 * show their order. When lines show both orders, or the lines showing the unusual order are fewer than
 * ORDER_EVIDENCE_SHARE of the day-and-month lines (one `31/12/2010` among 2,000 `12/1/2010`), the column is a
 * conflict; otherwise the order shown wins, and without any evidence the usual order (see usualOrder) is taken.
 */
export function decideDateOrder(forms: DateForms): { order: DateOrder; evident: boolean } | OrderConflict {
  const sum = (kind: number) => [0, 1].reduce((n, slash) => n + (forms.get(10 + 2 * kind + slash)?.lines ?? 0), 0);
  const first = (kind: number) =>
    Math.min(...[0, 1].map((slash) => forms.get(10 + 2 * kind + slash)?.first ?? Infinity));
  const dayMonthLines = [0, 1, 2, 3].reduce((n, kind) => n + sum(kind), 0);
  const day = sum(1);
  const month = sum(2);
  const usual = usualOrder(forms);
  if (day && month) {
    const [evident, other] = usual === "month-first" ? [first(1), first(2)] : [first(2), first(1)];
    const evidentOrder: DateOrder = usual === "month-first" ? "day-first" : "month-first";
    return {
      kind: "both",
      evident,
      other,
      evidentLines: usual === "month-first" ? day : month,
      dayMonthLines,
      evidentOrder,
    };
  }
  const shown: DateOrder | null = day ? "day-first" : month ? "month-first" : null;
  if (shown === null) return { order: usual, evident: false };
  if (shown === usual) return { order: shown, evident: true };
  const evidentLines = day || month;
  if (evidentLines >= ORDER_EVIDENCE_SHARE * dayMonthLines) return { order: shown, evident: true };
  return {
    kind: "minority",
    evident: first(shown === "day-first" ? 1 : 2),
    other: first(0),
    evidentLines,
    dayMonthLines,
    evidentOrder: shown,
  };
}

function readAs(text: string, order: DateOrder): string {
  const m = new RegExp(DAY_MONTH).exec(text);
  if (!m) return "";
  const [a, b] = [Number(m[1]), Number(m[3])];
  const [day, month] = order === "month-first" ? [b, a] : [a, b];
  const name = new Date(Date.UTC(2000, month - 1, 1)).toLocaleString("en-GB", { month: "long", timeZone: "UTC" });
  return `${day} ${name}`;
}

/** The one-line message for a column whose dates disagree on the order. */
export function orderConflictMessage(
  file: string,
  header: string,
  conflict: OrderConflict,
  evident: QuotedLine,
  other: QuotedLine,
): string {
  const usual: DateOrder = conflict.evidentOrder === "day-first" ? "month-first" : "day-first";
  const fix = `set "date_format" to "day-first" or "month-first" in the configuration`;
  const first = `${evident.where} ${JSON.stringify(evident.text)} is ${conflict.evidentOrder.replace("-", " ")}`;
  if (conflict.kind === "both")
    return `${file}: ${header}: the dates disagree on the order of day and month: ${first}, ${other.where} ${JSON.stringify(other.text)} is ${usual.replace("-", " ")}; ${fix}`;
  const shown = conflict.evidentLines.toLocaleString("en-US");
  const all = conflict.dayMonthLines.toLocaleString("en-US");
  return (
    `${file}: ${header}: the dates disagree on the order of day and month: ${first}, but only ${shown} of ${all} such dates` +
    ` ${conflict.evidentLines === 1 ? "shows" : "show"} that order and ${other.where} ${JSON.stringify(other.text)} would read as ${readAs(other.text, usual)} ${usual.replace("-", " ")}` +
    ` (as usual for ${usual === "month-first" ? "slash" : "dash or dot"} dates), ${readAs(other.text, conflict.evidentOrder)} ${conflict.evidentOrder.replace("-", " ")}; ${fix}`
  );
}

/** Throws an InputError naming the setting when DuckDB rejects a strptime pattern. */
export function checkDateFormatError(error: unknown, format: string, origin: string): void {
  const message = (error as Error).message ?? "";
  if (/format specifier|strftime|strptime/i.test(message))
    throw new InputError(
      `${origin}: setting "date_format" ${JSON.stringify(format)} is not a strptime pattern DuckDB accepts (${message.split("\n")[0].replace(/^Invalid Input Error: /, "")})`,
    );
}
