/**
 * The one CSV writer for every file the tool outputs (the pipeline's customers.csv, the site's
 * customer_segments.csv): RFC 4180 quoting, and text that a spreadsheet would run as a formula defused as OWASP
 * recommends (https://owasp.org/www-community/attacks/CSV_Injection).
 *
 * Rule: a text field that starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a single quote in front
 * (`=1+2` -> `'=1+2`), then the field is quoted when it holds a comma, a double quote or a line break. Numbers are
 * never prefixed: a JavaScript number is written as String(n) (full precision), so a negative monetary value stays
 * `-12.5`, and so is text that is a plain decimal number (`-5`, `+44`, `1e3`): a spreadsheet reads it as that
 * number, never as a formula. Everything else keeps its characters, so a reader that strips one leading `'` from
 * a field starting with `'=`, `'+`, `'-`, `'@`, `'\t` or `'\r` gets the original text back.
 */

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * RFC 4180 quoting only: quoted (with doubled quotes inside) when the text holds a comma, a quote or a line break.
 * For raw exports that must keep their bytes (the demo data imitates a shop's export, formulas and all); report
 * outputs use csvField.
 * @example quoteCsv('FRAME 7" SIZE') // '"FRAME 7"" SIZE"'
 */
export function quoteCsv(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * One output field: null/undefined empty, numbers plainly, text defused and quoted as needed (see the rule above).
 * @example csvField("=HYPERLINK(\"http://x\")") // '"\'=HYPERLINK(""http://x"")"'
 * @example csvField(-12.5) // "-12.5"
 */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return String(value);
  return quoteCsv(FORMULA_START.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value);
}

/** One output line (without its line end). */
export function csvLine(values: readonly (string | number | null | undefined)[]): string {
  return values.map(csvField).join(",");
}
