/**
 * The RFM stage: scores 1-5 per dimension (score.ts), the named segment of each customer (segments.ts), the
 * segment table, and per segment the share of members for whom the traits its description asserts hold.
 */
import type { RfmConfig } from "../config.ts";
import type { BaseDistributions } from "../cluster/naming.ts";
import { groupTraitShares, type Trait, type TraitColumns, traitThresholds } from "../cluster/traits.ts";
import { scoreRfm, type RfmScores } from "./score.ts";
import { assignSegments, segmentTable, type RfmSegmentRow } from "./segments.ts";

export interface RfmResult {
  scores: RfmScores;
  /** per customer: the score cell ("545") and the segment name */
  cells: string[];
  segments: string[];
  /** one row per segment, in the order of the rules */
  table: RfmSegmentRow[];
  /** segment names in table order */
  order: string[];
}

/** Scores and names every customer; `base` holds the sorted recency, frequency and monetary columns. */
export function segmentByRfm(
  columns: { recency: ArrayLike<number>; frequency: ArrayLike<number>; monetary: ArrayLike<number> },
  traitColumns: TraitColumns,
  base: BaseDistributions,
  rfm: RfmConfig,
): RfmResult {
  const scores = scoreRfm(columns, rfm.thresholds, base);
  const { cells, segments } = assignSegments(scores.r, scores.f, scores.m, rfm.segments);
  const table = segmentTable(segments, columns.monetary, rfm.segments);
  const order = table.map((row) => row.segment);
  {
    const index = new Map(order.map((name, j) => [name, j]));
    const traitsOf = new Map<string, Trait[]>();
    for (const rule of rfm.segments) if (!traitsOf.has(rule.name)) traitsOf.set(rule.name, rule.traits ?? []);
    const shares = groupTraitShares(
      Int32Array.from(segments, (name) => index.get(name) ?? -1),
      order.map((name) => traitsOf.get(name) ?? []),
      traitColumns,
      traitThresholds(base),
    );
    table.forEach((row, j) => (row.name_check = shares[j]));
  }
  return { scores, cells, segments, table, order };
}
