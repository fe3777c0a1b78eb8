/**
 * Invoice dates as DuckDB SQL. ISO forms (`2010-12-01 08:26:00`, `2010-12-01 08:26`, `2010-12-01T08:26:00`,
 * `2010-12-01`) go through DuckDB's own cast; spreadsheet forms (`12/1/2010 8:26`, `12/01/2010 08:26:00`,
 * `12/1/10 8:26 PM`) through a list of strptime formats, month first unless the file only parses day first.
 * Timestamps are naive local times: a trailing UTC offset is ignored, nothing is shifted.
 */
import { sqlString } from "../db/sql.ts";

/** `month-first` (US spreadsheets: 12/1/2010 is 1 December) or `day-first` (1/12/2010 is 1 December). */
export type DateOrder = "month-first" | "day-first";

const TIMES = [" %H:%M:%S", " %H:%M", "", " %I:%M:%S %p", " %I:%M %p", "T%H:%M:%S"];

/** strptime formats tried after the ISO cast, for one date order (two-digit years before four-digit ones). */
export function dateFormats(order: DateOrder): string[] {
  const days =
    order === "month-first"
      ? ["%m/%d/%y", "%m/%d/%Y", "%m-%d-%Y", "%Y/%m/%d"]
      : ["%d/%m/%y", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d"];
  return days.flatMap((day) => TIMES.map((time) => day + time));
}

/**
 * A SQL expression turning the (trimmed) VARCHAR column `text` into a TIMESTAMP, NULL when it is empty or
 * unparseable. DuckDB's cast only sees values shaped `YYYY-...`: it would read `12/1/10` as the year 12.
 * @example timestampSql("c4", "month-first") // "CASE WHEN c4[5:5] = '-' THEN TRY_CAST(c4 AS TIMESTAMP) ELSE try_strptime(c4, [...]) END"
 */
export function timestampSql(text: string, order: DateOrder): string {
  const formats = dateFormats(order).map(sqlString).join(", ");
  return `CASE WHEN ${text}[5:5] = '-' THEN TRY_CAST(${text} AS TIMESTAMP) ELSE try_strptime(${text}, [${formats}]) END`;
}
