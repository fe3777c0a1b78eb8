/**
 * time.json (segment profiles page): segment migration (flows, refitted centres, narrative, and the flows per
 * country for the page's filter) and monthly acquisition cohorts (the table, the guarded comparison, and cells per
 * segment and country that the page re-aggregates with arquero). Aggregates only; the model's id and training
 * period say which segmentation the segments come from.
 */
import type { ReportContext } from "../context.ts";

export function timeData(ctx: ReportContext) {
  const time = ctx.time;
  if (!time)
    return { available: false, note: "Not computed for this report.", model: null, migration: null, cohorts: null };
  const { analysis, model } = time;
  return {
    available: analysis.cohorts !== null,
    note: analysis.cohorts === null ? `Not available: ${analysis.migration_note}.` : null,
    model: { model_id: model.model_id, version: model.version, training: model.training },
    migration: analysis.migration,
    migration_note: analysis.migration_note,
    cohorts: analysis.cohorts,
    cells: analysis.cells,
    segments: ctx.seg.clusters.map((c) => c.name),
  };
}
