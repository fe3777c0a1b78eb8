/**
 * What a customer-level table adds to behaviour.json: per k and segment (and for everyone), mean spending per
 * product group and its share of the segment's spending, mean purchases per channel and their share, and the
 * response rate of each campaign column. Null for transaction lines.
 */
import { readerLabel } from "../labels.ts";
import type { ReportContext } from "../context.ts";
import { rnd } from "../facts.ts";
import { wilson } from "../../stats/intervals.ts";

export interface PartsGroup {
  name: string;
  customers: number;
  /** mean per customer, per group column */
  spending: (number | null)[];
  /** share of the group's spending, per group column */
  spending_share: (number | null)[];
  purchases: (number | null)[];
  purchase_share: (number | null)[];
  /** share of the group's customers with 1, per response column */
  responses: (number | null)[];
  /** the Wilson 95% interval of each response rate (the customers are the trials) */
  responses_low: (number | null)[];
  responses_high: (number | null)[];
}

/** Column means and shares over the customers at `members`. */
export function partsGroup(
  name: string,
  members: readonly number[],
  values: { m: number[][]; f: number[][]; r: number[][] },
): PartsGroup {
  const sums = (rows: number[][]) => {
    const width = rows[0]?.length ?? 0;
    const out = new Array<number>(width).fill(0);
    for (const i of members) for (let j = 0; j < width; j++) out[j] += rows[i][j];
    return out;
  };
  const n = members.length;
  const m = sums(values.m);
  const f = sums(values.f);
  const r = sums(values.r);
  const share = (xs: number[]) => {
    const total = xs.reduce((a, b) => a + b, 0);
    return xs.map((x) => rnd(total ? x / total : null, 5));
  };
  return {
    name,
    customers: n,
    spending: m.map((x) => rnd(n ? x / n : null)),
    spending_share: share(m),
    purchases: f.map((x) => rnd(n ? x / n : null, 3)),
    purchase_share: share(f),
    responses: r.map((x) => rnd(n ? x / n : null, 5)),
    responses_low: r.map((x) => rnd(n ? wilson(x, n).low : null, 5)),
    responses_high: r.map((x) => rnd(n ? wilson(x, n).high : null, 5)),
  };
}

export function customerTableData(ctx: ReportContext): Record<string, unknown> | null {
  const parts = ctx.ingest.customer_table?.parts;
  if (!ctx.capabilities.has.customer_parts || !parts) return null;
  const values = { m: parts.monetary_values, f: parts.frequency_values, r: parts.response_values };
  const everyone = ctx.ingest.customers.map((_, i) => i);
  const byK: Record<string, PartsGroup[]> = {};
  for (const [k, kd] of ctx.byK) {
    const members = kd.solution.names.map(() => [] as number[]);
    kd.solution.labels.forEach((label, i) => members[label].push(i));
    byK[k] = kd.solution.names.map((name, j) => partsGroup(name, members[j], values));
  }
  // the columns as readers see them (the `labels` setting over the recognised layouts' defaults)
  const label = (column: string) => readerLabel(column, ctx.config.report.labels);
  return {
    groups: parts.monetary.map(label),
    channels: parts.frequency.map(label),
    responses: parts.responses.map(label),
    overall: partsGroup("All customers", everyone, values),
    by_k: byK,
  };
}
