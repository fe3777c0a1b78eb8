/**
 * The segments-over-time stage: monthly acquisition cohorts from the kept lines (time/cohorts.ts), and segment
 * migration between an earlier date and the snapshot (time/migration.ts): the run's lines are cleaned again with
 * the same settings up to the earlier date (pipeline/ingest.ts customersBefore: the input is not read again), and
 * those customers are scored with the run's model. Customer-level tables have
 * no dated lines: neither applies to them.
 */
import type { Config } from "../config.ts";
import { clusterMethod } from "../cluster/methods/index.ts";
import { addDays } from "../features/customers.ts";
import type { Model } from "../model/schema.ts";
import { scoreCustomers } from "../model/score.ts";
import {
  cohortTable,
  customerMonths,
  monthsBetween,
  type CohortAnalysis,
  type CustomerMonth,
} from "../time/cohorts.ts";
import { centreShift, migrationFlows, migrationNarrative, type Migration, type Placed } from "../time/migration.ts";
import type { CustomerFeatures } from "../types.ts";
import type { CustomerSegment } from "./types.ts";
import { customersBefore, type IngestResult } from "./ingest.ts";

export interface TimeAnalysis {
  cohorts: CohortAnalysis | null;
  /**
   * for the report's filters: active customers and revenue per cohort, month since, segment (now) and country,
   * and the flows per country; aggregates only
   */
  cells: {
    cohort_cells: { cohort: string; m: number; segment: string; country: string; active: number; revenue: number }[];
    cohort_sizes: { cohort: string; segment: string; country: string; customers: number }[];
    flow_cells: { from: string; to: string; country: string; customers: number; revenue: number }[];
  } | null;
  migration: Migration | null;
  /** why there is no migration, when there is none */
  migration_note: string | null;
}

const dayNumber = (day: string) => Date.UTC(+day.slice(0, 4), +day.slice(5, 7) - 1, +day.slice(8, 10)) / 86_400_000;

/** The earlier date of the migration, or why there is none. */
export function migrationDates(
  config: Pick<Config, "migration">,
  periodStart: string,
  snapshot: string,
): { from_date: string } | { note: string } {
  const { days_before, when } = config.migration;
  if (when === "never") return { note: 'migration is switched off ("migration": {"when": "never"})' };
  const fromDate = addDays(snapshot, -days_before);
  const span = dayNumber(snapshot) - dayNumber(periodStart);
  if (fromDate <= periodStart) return { note: `no lines before ${fromDate}, ${days_before} days before the snapshot` };
  if (when === "auto" && span < 2 * days_before)
    return {
      note: `the data span ${span} days, less than twice migration.days_before (${days_before}); set "migration": {"when": "always"} to compare anyway`,
    };
  return { from_date: fromDate };
}

/** Cohorts and migration for a run (see the module comment). */
export async function analyseTime(
  ingested: IngestResult,
  segments: readonly CustomerSegment[],
  model: Model,
  config: Config,
  /** hears each part as it is done (cohorts, the earlier cut, migration): the progress lines */
  onStep?: (part: string) => void,
): Promise<TimeAnalysis> {
  if (!ingested.capabilities.has.transactions)
    return { cohorts: null, cells: null, migration: null, migration_note: "a customer-level table has no dated lines" };
  const months = await customerMonths(ingested.db);
  const cohorts = cohortTable(months, ingested.period_end);
  const cells = {
    ...cohortCells(months, ingested.customers, segments),
    flow_cells: [] as { from: string; to: string; country: string; customers: number; revenue: number }[],
  };
  onStep?.("cohorts");
  const dates = migrationDates(config, ingested.period_start, ingested.snapshot_date);
  if ("note" in dates) return { cohorts, cells, migration: null, migration_note: dates.note };
  const earlier = await customersBefore(ingested, config, dates.from_date);
  onStep?.(`the customers at ${dates.from_date} (the migration's earlier cut)`);
  const scored = scoreCustomers(model, earlier);
  const before = earlier.map((c, i) => ({
    customer_id: c.customer_id,
    segment: scored.customers[i].segment,
    monetary: c.monetary,
    last_purchase: c.last_purchase,
  }));
  const now = ingested.customers.map((c, i) => ({
    customer_id: c.customer_id,
    segment: segments[i].segment,
    monetary: c.monetary,
    last_purchase: c.last_purchase,
  }));
  const order = model.segments.map((s) => s.name);
  const flows = migrationFlows(before, now, dates.from_date, order);
  cells.flow_cells = flowCells(before, now, ingested.customers, earlier, dates.from_date, order);
  const shift = centreShift(model, earlier, config.clustering, clusterMethod(config.clustering));
  onStep?.("migration");
  return {
    cohorts,
    cells,
    migration: {
      from_date: dates.from_date,
      to_date: ingested.snapshot_date,
      days_before: config.migration.days_before,
      customers_from: before.length,
      customers_to: now.length,
      flows,
      centre_shift: shift,
      narrative: migrationNarrative(flows, model, dates.from_date, config.report.currency),
    },
    migration_note: null,
  };
}

const key = (...parts: (string | number)[]) => JSON.stringify(parts);

/** Cohort cells by segment (now) and country (see TimeAnalysis.cells), sorted. */
function cohortCells(
  months: readonly CustomerMonth[],
  customers: readonly CustomerFeatures[],
  segments: readonly CustomerSegment[],
): Pick<NonNullable<TimeAnalysis["cells"]>, "cohort_cells" | "cohort_sizes"> {
  const who = new Map(customers.map((c, i) => [c.customer_id, { segment: segments[i].segment, country: c.country }]));
  const first = new Map<string, string>();
  for (const r of months) {
    const f = first.get(r.customer_id);
    if (f === undefined || r.month < f) first.set(r.customer_id, r.month);
  }
  const sizes = new Map<string, number>();
  for (const [id, cohort] of first) {
    const w = who.get(id);
    if (!w) continue;
    const k = key(cohort, w.segment, w.country);
    sizes.set(k, (sizes.get(k) ?? 0) + 1);
  }
  const cells = new Map<string, { active: number; revenue: number[] }>();
  for (const r of months) {
    const w = who.get(r.customer_id);
    if (!w) continue;
    const cohort = first.get(r.customer_id) as string;
    const k = key(cohort, monthsBetween(cohort, r.month), w.segment, w.country);
    const cell = cells.get(k) ?? { active: 0, revenue: [] };
    cell.active++;
    cell.revenue.push(r.revenue);
    cells.set(k, cell);
  }
  return {
    cohort_sizes: [...sizes]
      .map(([k, customers]) => {
        const [cohort, segment, country] = JSON.parse(k) as [string, string, string];
        return { cohort, segment, country, customers };
      })
      .sort((a, b) => cmp(a.cohort, b.cohort) || cmp(a.segment, b.segment) || cmp(a.country, b.country)),
    cohort_cells: [...cells]
      .map(([k, c]) => {
        const [cohort, m, segment, country] = JSON.parse(k) as [string, number, string, string];
        const revenue = c.revenue.sort((a, b) => a - b).reduce((a, b) => a + b, 0);
        return { cohort, m, segment, country, active: c.active, revenue: Math.round(revenue * 100) / 100 };
      })
      .sort((a, b) => cmp(a.cohort, b.cohort) || a.m - b.m || cmp(a.segment, b.segment) || cmp(a.country, b.country)),
  };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The flows split by the customer's country (today's, else the earlier one's). */
function flowCells(
  before: readonly Placed[],
  now: readonly Placed[],
  customers: readonly CustomerFeatures[],
  earlier: readonly CustomerFeatures[],
  fromDate: string,
  order: readonly string[],
): NonNullable<TimeAnalysis["cells"]>["flow_cells"] {
  const country = new Map<string, string>();
  for (const c of earlier) country.set(c.customer_id, c.country);
  for (const c of customers) country.set(c.customer_id, c.country);
  const out: NonNullable<TimeAnalysis["cells"]>["flow_cells"] = [];
  const countries = [...new Set(country.values())].sort(cmp);
  for (const place of countries) {
    const keep = (p: Placed) => country.get(p.customer_id) === place;
    for (const f of migrationFlows(before.filter(keep), now.filter(keep), fromDate, order))
      out.push({
        from: f.from,
        to: f.to,
        country: place,
        customers: f.customers,
        revenue: Math.round(f.revenue * 100) / 100,
      });
  }
  return out;
}
