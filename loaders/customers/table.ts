/**
 * Customer-level tables (`layout: "customers"`): one row per customer, with recency, spending and purchases already
 * aggregated by the system that exported it (e.g. the marketing_campaign data set). Maps the configured columns,
 * sums listed columns (spending per product group -> monetary, purchases per channel -> frequency), parses the
 * numbers, and accounts for every row: kept, or set aside under the first reason that applies:
 *
 * - `missing_customer`: no customer id;
 * - `duplicate_customer`: the id of an earlier row (the first row is kept);
 * - `missing_value`: an empty value in a column the segmentation needs (recency, a summed column, a clustering
 *   feature; signup date when tenure is a feature; a purchase when avg_order_value is). Set aside, not imputed: a made-up value would place the
 *   customer in a segment on a figure the data does not have;
 * - `impossible_value`: a negative recency, spending or purchase count, a response other than 0/1, or (when it is a
 *   clustering feature) a birth year before 1900 or after the snapshot year.
 *
 * A birth year that is impossible but not a clustering feature does not affect the segmentation: the customer is
 * kept, the year is counted (`impossible_birth_years`) and treated as unknown. Pure functions over the rows; the
 * SQL only casts the text columns.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { FEATURE_NAMES, type Config, type FeatureName } from "../config.ts";
import { queryRows } from "../db/sql.ts";
import { InputError } from "../errors.ts";
import { addDays } from "../features/customers.ts";
import { normaliseHeader } from "../sources/columns.ts";
import type { CustomerFeatures } from "../types.ts";

/** Why a row of a customer-level table was not segmented (first match, in this order). */
export const CUSTOMER_SET_ASIDE = [
  "missing_customer",
  "duplicate_customer",
  "missing_value",
  "impossible_value",
] as const;
export type CustomerSetAside = (typeof CUSTOMER_SET_ASIDE)[number];

/** Headers recognised as the birth year without mapping. */
const BIRTH_YEAR_ALIASES = ["yearbirth", "birthyear", "yearofbirth"];

/** The table's columns: header index of each role. */
export interface CustomerColumns {
  customer_id: number;
  recency: number;
  monetary: number[];
  frequency: number[];
  responses: number[];
  /** clustering features that are columns of the table (not recency/frequency/monetary/tenure) */
  features: { name: string; index: number }[];
  signup_date: number | null;
  birth_year: number | null;
  country: number | null;
}

const asList = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Finds the configured columns in `headers` (exact, then case/space/punctuation-insensitive); InputError naming the setting. */
export function resolveCustomerColumns(
  headers: readonly string[],
  config: Pick<Config, "columns" | "clustering" | "config_file">,
  file: string,
): CustomerColumns {
  const normalised = headers.map(normaliseHeader);
  const origin = config.config_file ?? "the configuration";
  const found = `found columns: ${headers.map((h) => JSON.stringify(h)).join(", ")}`;
  const find = (name: string, setting: string): number => {
    let index = headers.indexOf(name);
    if (index < 0) index = normalised.indexOf(normaliseHeader(name));
    if (index < 0)
      throw new InputError(`${file}: column "${name}" (${setting} in ${origin}) is not in the header; ${found}`);
    return index;
  };
  const c = config.columns;
  const one = (key: "customer_id" | "recency" | "signup_date" | "birth_year" | "country") =>
    c[key] === undefined ? null : find(c[key] as string, `columns.${key}`);
  const builtin = new Set<string>(FEATURE_NAMES);
  const birthAlias = BIRTH_YEAR_ALIASES.map((a) => normalised.indexOf(a)).find((i) => i >= 0) ?? null;
  const columns: CustomerColumns = {
    customer_id: one("customer_id") as number,
    recency: one("recency") as number,
    monetary: asList(c.monetary).map((h) => find(h, "columns.monetary")),
    frequency: asList(c.frequency).map((h) => find(h, "columns.frequency")),
    responses: asList(c.responses).map((h) => find(h, "columns.responses")),
    features: config.clustering.features
      .filter((f) => !builtin.has(f))
      .map((f) => ({ name: f, index: find(f, "clustering.features") })),
    signup_date: one("signup_date"),
    birth_year: one("birth_year") ?? birthAlias,
    country: one("country"),
  };
  if (config.clustering.features.includes("tenure") && columns.signup_date === null)
    throw new InputError(
      `${origin}: clustering feature "tenure" needs columns.signup_date (the day each customer signed up)`,
    );
  return columns;
}

/** The header indices whose values must be numbers, in a fixed order. */
export function numericColumns(columns: CustomerColumns): number[] {
  const all = [
    columns.recency,
    ...columns.monetary,
    ...columns.frequency,
    ...columns.responses,
    ...columns.features.map((f) => f.index),
  ];
  if (columns.birth_year !== null) all.push(columns.birth_year);
  return [...new Set(all)];
}

/** One row of the table as read: 0-based data row, id, numbers by header index, signup text, country. */
export interface CustomerTableRow {
  row: number;
  id: string | null;
  values: Map<number, number | null>;
  signup: string | null;
  country: string | null;
}

/** The largest magnitude of a number in a customer table (as sources/csv.ts PLAUSIBLE.amount for a line). */
const PLAUSIBLE_FIGURE = 1e15;

/**
 * Reads the relation's rows (text columns c0, c1, ...) with numbers cast; InputError (file, line, column) for the
 * first value that is not a number, or is beyond PLAUSIBLE_FIGURE in size (1e308 summed would be Infinity).
 */
export async function readCustomerRows(
  conn: DuckDBConnection,
  relation: string,
  headers: readonly string[],
  columns: CustomerColumns,
  file: string,
): Promise<CustomerTableRow[]> {
  const numeric = numericColumns(columns);
  const text = (i: number) => `NULLIF(trim(c${i}), '')`;
  // a customer id written 5524.0 by a spreadsheet is 5524, as in the line layouts
  const select = [
    `rowid::BIGINT AS row`,
    `regexp_replace(${text(columns.customer_id)}, '^([0-9]+)\\.0+$', '\\1') AS id`,
    `${columns.signup_date === null ? "NULL" : text(columns.signup_date)} AS signup`,
    `${columns.country === null ? "NULL" : text(columns.country)} AS country`,
    ...numeric.flatMap((i) => [`${text(i)} AS t${i}`, `TRY_CAST(${text(i)} AS DOUBLE) AS v${i}`]),
  ];
  // a table keeps the input order and numbers its rows (rowid); a read_csv relation has no row number
  await conn.run(`CREATE OR REPLACE TABLE customer_source AS SELECT * FROM ${relation}`);
  const rows = await queryRows<Record<string, unknown>>(
    conn,
    `SELECT ${select.join(", ")} FROM customer_source ORDER BY rowid`,
  );
  if (!rows.length) throw new InputError(`${file}: no data rows (only a header line)`);
  return rows.map((r) => {
    const values = new Map<number, number | null>();
    for (const i of numeric) {
      const v = r[`v${i}`] as number | null;
      if (r[`t${i}`] !== null && (v === null || !Number.isFinite(v)))
        throw new InputError(
          `${file}: line ${(r.row as number) + 2}: ${headers[i]} ${JSON.stringify(r[`t${i}`])} is not a number`,
        );
      if (v !== null && Math.abs(v) > PLAUSIBLE_FIGURE)
        throw new InputError(
          `${file}: line ${(r.row as number) + 2}: ${headers[i]} ${JSON.stringify(r[`t${i}`])} is beyond the plausible range` +
            ` (at most 1e15 in size: beyond it a sum loses its pennies or overflows); correct the value or the column mapping`,
        );
      values.set(i, v);
    }
    return {
      row: r.row as number,
      id: r.id as string | null,
      values,
      signup: r.signup as string | null,
      country: r.country as string | null,
    };
  });
}

/**
 * Signup dates to YYYY-MM-DD: ISO (`2012-09-04`, a time after it ignored), or day, month and year separated by
 * `-`, `/` or `.`, read day first (`04-09-2012` is 4 September) unless a value only parses month first; the order
 * is decided from the whole column. InputError naming the line for a value that is not a date.
 */
export function parseSignupDates(
  texts: readonly (string | null)[],
  lines: readonly number[],
  file: string,
  header: string,
): (string | null)[] {
  const parts = texts.map((t) => (t === null ? null : /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})/.exec(t)));
  const monthFirst = parts.some((p) => p && Number(p[2]) > 12) && !parts.some((p) => p && Number(p[1]) > 12);
  return texts.map((t, i) => {
    if (t === null) return null;
    const iso = /^(\d{4})-(\d{2})-(\d{2})/.exec(t);
    const p = parts[i];
    const [y, m, d] = iso
      ? [+iso[1], +iso[2], +iso[3]]
      : p
        ? [+p[3], monthFirst ? +p[1] : +p[2], monthFirst ? +p[2] : +p[1]]
        : [0, 0, 0];
    const date = new Date(Date.UTC(y, m - 1, d));
    if (!y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d)
      throw new InputError(
        `${file}: line ${lines[i]}: ${header} ${JSON.stringify(t)} is not a date (expected e.g. 04-09-2012, day first, or 2012-09-04)`,
      );
    return date.toISOString().slice(0, 10);
  });
}

/** The group and channel columns of the kept customers, for the report (aligned with `customers`). */
export interface CustomerParts {
  /** header names */
  monetary: string[];
  frequency: string[];
  responses: string[];
  /** per kept customer, per column */
  monetary_values: number[][];
  frequency_values: number[][];
  response_values: number[][];
}

/** What summary.json says about a customer-level table. */
export interface CustomerTableSummary {
  /** the columns summed into each figure, and the response columns */
  columns: {
    customer_id: string;
    recency: string;
    monetary: string[];
    frequency: string[];
    responses: string[];
    features: string[];
    signup_date: string | null;
    birth_year: string | null;
    country: string | null;
  };
  /** empty values per needed column, among rows with a customer id (a row can miss several) */
  missing_values: Record<string, number>;
  /** birth years before 1900 or after the snapshot year (kept unless the birth year is a clustering feature) */
  impossible_birth_years: number;
  /** the rule, as the report states it */
  rule: string;
}

export interface CustomerTable {
  customers: CustomerFeatures[];
  parts: CustomerParts;
  rows_in: number;
  set_aside: Record<CustomerSetAside, number>;
  summary: CustomerTableSummary;
  snapshot_date: string;
  /** first and last signup day ("" without a signup column) */
  period_start: string;
  period_end: string;
}

/** Customer id order of the line layouts: numeric ids by value first, then the others as text. */
export function compareIds(a: string, b: string): number {
  const na = /^[0-9]+$/.test(a);
  const nb = /^[0-9]+$/.test(b);
  if (na !== nb) return na ? -1 : 1;
  if (na) {
    const ta = a.replace(/^0+/, "");
    const tb = b.replace(/^0+/, "");
    if (ta.length !== tb.length) return ta.length - tb.length;
    if (ta !== tb) return ta < tb ? -1 : 1;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

/** Applies the rules of the module comment to the rows: the kept customers' features, and the accounting. */
export function customerTable(
  rows: readonly CustomerTableRow[],
  columns: CustomerColumns,
  headers: readonly string[],
  config: Pick<Config, "snapshot_date" | "clustering">,
  file: string,
): CustomerTable {
  const signups =
    columns.signup_date === null
      ? rows.map(() => null)
      : parseSignupDates(
          rows.map((r) => r.signup),
          rows.map((r) => r.row + 2),
          file,
          headers[columns.signup_date],
        );
  const known = signups.filter((s): s is string => s !== null).sort();
  const period_start = known[0] ?? "";
  const period_end = known[known.length - 1] ?? "";
  const snapshot = config.snapshot_date ?? (period_end ? addDays(period_end, 1) : "");
  if (snapshot && period_end > snapshot) {
    const i = signups.findIndex((d) => d !== null && d > snapshot);
    const after = signups.filter((d) => d !== null && d > snapshot).length;
    throw new InputError(
      `${file}: line ${rows[i].row + 2}: ${headers[columns.signup_date as number]} ${signups[i]} is after the snapshot date ${snapshot}` +
        ` (snapshot_date): a customer cannot sign up after it, and tenure would be negative` +
        ` (${after} customer${after === 1 ? "" : "s"}); set snapshot_date on or after the last signup, ${period_end}`,
    );
  }
  const snapshotYear = snapshot ? Number(snapshot.slice(0, 4)) : Infinity;
  const features = config.clustering.features;
  const birthIsFeature = columns.birth_year !== null && columns.features.some((f) => f.index === columns.birth_year);
  const needed = [
    columns.recency,
    ...columns.monetary,
    ...columns.frequency,
    ...columns.responses,
    ...columns.features.map((f) => f.index),
  ];
  const counts = [...columns.monetary, ...columns.frequency, columns.recency];
  const set_aside = Object.fromEntries(CUSTOMER_SET_ASIDE.map((r) => [r, 0])) as Record<CustomerSetAside, number>;
  const missing: Record<string, number> = {};
  let impossibleBirthYears = 0;
  const seen = new Set<string>();
  const kept: { features: CustomerFeatures; m: number[]; f: number[]; r: number[] }[] = [];
  rows.forEach((row, i) => {
    const v = (index: number) => row.values.get(index) ?? null;
    if (row.id === null) return void set_aside.missing_customer++;
    for (const index of [...new Set(needed)])
      if (v(index) === null) missing[headers[index]] = (missing[headers[index]] ?? 0) + 1;
    if (features.includes("tenure") && signups[i] === null)
      missing[headers[columns.signup_date as number]] = (missing[headers[columns.signup_date as number]] ?? 0) + 1;
    const birth = columns.birth_year === null ? null : v(columns.birth_year);
    const impossibleBirth = birth !== null && (birth < 1900 || birth > snapshotYear);
    if (impossibleBirth) impossibleBirthYears++;
    if (seen.has(row.id)) return void set_aside.duplicate_customer++;
    seen.add(row.id);
    const noPurchases = features.includes("avg_order_value") && columns.frequency.every((index) => v(index) === 0);
    if (
      needed.some((index) => v(index) === null) ||
      (features.includes("tenure") && signups[i] === null) ||
      noPurchases
    )
      return void set_aside.missing_value++; // spending per purchase is undefined without a purchase
    if (
      counts.some((index) => (v(index) as number) < 0) ||
      columns.responses.some((index) => v(index) !== 0 && v(index) !== 1) ||
      (birthIsFeature && impossibleBirth)
    )
      return void set_aside.impossible_value++;
    if (config.clustering.transform === "log1p") {
      const negative = columns.features.find((feature) => (v(feature.index) as number) < 0);
      if (negative)
        throw new InputError(
          `${file}: line ${row.row + 2}: ${headers[negative.index]} is negative (${v(negative.index)}), but the clustering feature` +
            ` "${negative.name}" is log1p-transformed, which needs values of 0 or more; correct the value, or set clustering.transform to "auto" (log1p only where it fits) or "none"`,
        );
    }
    const m = columns.monetary.map((index) => v(index) as number);
    const f = columns.frequency.map((index) => v(index) as number);
    const monetary = m.reduce((a, b) => a + b, 0);
    const frequency = f.reduce((a, b) => a + b, 0);
    const signup = signups[i];
    const extra: Record<string, number> = {};
    for (const feature of columns.features) extra[feature.name] = v(feature.index) as number;
    kept.push({
      features: {
        customer_id: row.id,
        recency: v(columns.recency) as number,
        frequency,
        monetary,
        first_purchase: signup ?? "",
        last_purchase: "",
        tenure: signup && snapshot ? daysBetween(signup, snapshot) : 0,
        avg_order_value: frequency > 0 ? monetary / frequency : 0,
        items_per_order: 0,
        return_rate: 0,
        country: row.country ?? "Unknown",
        ...(columns.features.length ? { extra } : {}),
      },
      m,
      f,
      r: columns.responses.map((index) => v(index) as number),
    });
  });
  kept.sort((a, b) => compareIds(a.features.customer_id, b.features.customer_id));
  const names = (indices: number[]) => indices.map((i) => headers[i]);
  const aside = Object.values(set_aside).reduce((a, b) => a + b, 0);
  const rule =
    `Customers with an empty value in a column the segmentation needs are set aside, not imputed` +
    ` (${set_aside.missing_value} here${
      Object.keys(missing).length
        ? `: ${Object.entries(missing)
            .map(([h, n]) => `${n} without ${h}`)
            .join(", ")}`
        : ""
    })` +
    `; negative amounts or counts are set aside as impossible (${set_aside.impossible_value})` +
    (columns.birth_year === null
      ? "."
      : `; birth years before 1900 (or after the snapshot year) are impossible: ${impossibleBirthYears} here, ` +
        (birthIsFeature
          ? "set aside as the birth year is a clustering feature."
          : "kept in the segmentation, which does not use the birth year, with the year treated as unknown."));
  if (aside + kept.length !== rows.length)
    throw new Error(`customer table accounting does not add up: ${rows.length} rows, ${kept.length} kept + ${aside}`);
  return {
    customers: kept.map((k) => k.features),
    parts: {
      monetary: names(columns.monetary),
      frequency: names(columns.frequency),
      responses: names(columns.responses),
      monetary_values: kept.map((k) => k.m),
      frequency_values: kept.map((k) => k.f),
      response_values: kept.map((k) => k.r),
    },
    rows_in: rows.length,
    set_aside,
    summary: {
      columns: {
        customer_id: headers[columns.customer_id],
        recency: headers[columns.recency],
        monetary: names(columns.monetary),
        frequency: names(columns.frequency),
        responses: names(columns.responses),
        features: features as FeatureName[],
        signup_date: columns.signup_date === null ? null : headers[columns.signup_date],
        birth_year: columns.birth_year === null ? null : headers[columns.birth_year],
        country: columns.country === null ? null : headers[columns.country],
      },
      missing_values: missing,
      impossible_birth_years: impossibleBirthYears,
      rule,
    },
    snapshot_date: snapshot,
    period_start,
    period_end,
  };
}
