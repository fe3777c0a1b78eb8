/** rfm.json: thresholds and how ties are handled, score distributions, the R x F grid, the segment rules and table. */
import type { ReportContext } from "../context.ts";
import { NEW_CUSTOMER_DAYS, NEW_CUSTOMER_MAX_SHARE, traitSentence } from "../../cluster/traits.ts";
import { formatPercent } from "../format.ts";
import { rnd } from "../facts.ts";

export function rfmData(ctx: ReportContext): Record<string, unknown> {
  const scoring = ctx.seg.rfm_thresholds;
  const customers = ctx.seg.customers;
  const monetary = ctx.ingest.customers.map((c) => c.monetary);
  const grid: { r: number; f: number; customers: number; revenue: number; mean_monetary: number | null }[] = [];
  const cell = new Map<string, { n: number; sum: number }>();
  customers.forEach((c, i) => {
    const key = `${c.r_score}${c.f_score}`;
    const v = cell.get(key) ?? { n: 0, sum: 0 };
    v.n++;
    v.sum += monetary[i];
    cell.set(key, v);
  });
  for (let r = 1; r <= 5; r++)
    for (let f = 1; f <= 5; f++) {
      const v = cell.get(`${r}${f}`);
      grid.push({ r, f, customers: v?.n ?? 0, revenue: rnd(v?.sum ?? 0)!, mean_monetary: v ? rnd(v.sum / v.n) : null });
    }
  const rules = new Map(ctx.config.rfm.segments.map((rule) => [rule.name, rule]));
  return {
    thresholds: scoring.thresholds,
    source: scoring.source,
    method: scoring.method,
    empty_levels: scoring.empty_levels,
    level_counts: scoring.level_counts,
    grid,
    segments: ctx.seg.rfm_segments.map((row) => {
      const rule = rules.get(row.segment);
      return {
        name: row.segment,
        customers: row.customers,
        customer_share: rnd(row.share_customers, 5),
        revenue: rnd(row.revenue),
        revenue_share: rnd(row.share_revenue, 5),
        description: row.description,
        // the traits the description asserts, each with the share of members it holds for
        traits_checked: !row.customers
          ? "No customer falls in this segment's cells."
          : (row.name_check?.traits.length ? traitSentence(row.name_check.traits) : "") +
            (row.name_check?.traits.some((t) => t.trait === "lapsed") &&
            row.name_check.new_share >= NEW_CUSTOMER_MAX_SHARE
              ? ` ${formatPercent(row.name_check.new_share)} of them first bought in the last ${NEW_CUSTOMER_DAYS} days.`
              : ""),
        name_holds: rnd(row.name_check?.name_holds, 4),
        new_share: rnd(row.name_check?.new_share, 4),
        action: row.action,
        r: rule?.r ?? null,
        f: rule?.f ?? null,
        m: rule?.m ?? null,
        cells: row.cells.length,
      };
    }),
    one_order_share: rnd(
      customers.length ? ctx.ingest.customers.filter((c) => c.frequency <= 1).length / customers.length : 0,
      5,
    ),
  };
}
