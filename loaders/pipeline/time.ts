/**
 * The segments-over-time stage: monthly acquisition cohorts from the kept lines (time/cohorts.ts), and segment
 * migration between an earlier date and the snapshot (time/migration.ts): the input is read again with the same
 * settings up to the earlier date, and those customers are scored with the run's model. Customer-level tables have
 * no dated lines: neither applies to them.
 */
import type { Config } from "../config.ts";
import { clusterMethod } from "../cluster/methods/index.ts";
import { addDays } from "../features/customers.ts";
import type { Model } from "../model/schema.ts";
import { scoreCustomers } from "../model/score.ts";
import { cohortTable, customerMonths, type CohortAnalysis } from "../time/cohorts.ts";
import { centreShift, migrationFlows, migrationNarrative, type Migration } from "../time/migration.ts";
import type { CustomerSegment } from "./types.ts";
import { ingest, type IngestResult } from "./ingest.ts";

export interface TimeAnalysis {
  cohorts: CohortAnalysis | null;
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
): Promise<TimeAnalysis> {
  if (ingested.customer_table)
    return { cohorts: null, migration: null, migration_note: "a customer-level table has no dated lines" };
  const cohorts = cohortTable(await customerMonths(ingested.db), ingested.period_end);
  const dates = migrationDates(config, ingested.period_start, ingested.snapshot_date);
  if ("note" in dates) return { cohorts, migration: null, migration_note: dates.note };
  const earlier = await ingest({ ...config, snapshot_date: dates.from_date }, { before: dates.from_date });
  try {
    const scored = scoreCustomers(model, earlier.customers);
    const before = earlier.customers.map((c, i) => ({
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
    return {
      cohorts,
      migration: {
        from_date: dates.from_date,
        to_date: ingested.snapshot_date,
        days_before: config.migration.days_before,
        customers_from: before.length,
        customers_to: now.length,
        flows,
        centre_shift: centreShift(model, earlier.customers, config.clustering, clusterMethod(config.clustering)),
        narrative: migrationNarrative(flows, model, dates.from_date, config.report.currency),
      },
      migration_note: null,
    };
  } finally {
    await earlier.close();
  }
}
