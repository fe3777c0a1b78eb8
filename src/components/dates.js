/** Date formatting for the report's text: "1 Dec 2023", and a period "1 Dec 2023 – 30 Nov 2024". */
import * as d3 from "d3";

const day = d3.utcFormat("%-d %b %Y");

/** "1 Dec 2023" for "2023-12-01". */
export function formatDay(iso) {
  return day(new Date(`${iso}T00:00:00Z`));
}

/** "1 Dec 2023 – 30 Nov 2024". */
export function formatPeriod(start, end) {
  return `${formatDay(start)} – ${formatDay(end)}`;
}

/** "Nov 2024" for "2024-11". */
export function formatMonthShort(month) {
  return d3.utcFormat("%b %Y")(new Date(`${month}-01T00:00:00Z`));
}
