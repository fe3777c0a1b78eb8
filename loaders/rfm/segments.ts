/**
 * RFM cells ("545") and named segments by ordered, first-match rules (`rfm.segments`), with an explicit
 * "Other" for customers no rule matches, so every customer has exactly one segment.
 */
import type { SegmentRule } from "../config.ts";

export const OTHER_SEGMENT = "Other";
export const OTHER_DESCRIPTION = "Matched by none of the configured segment rules.";
export const OTHER_ACTION = "Review the segment rules: these score combinations are not covered.";

/** One row of the segment table. */
export interface RfmSegmentRow {
  segment: string;
  customers: number;
  share_customers: number;
  revenue: number;
  share_revenue: number;
  description: string;
  action: string;
  /** the 3-digit cells (of all 125) this segment's rules claim first */
  cells: string[];
}

/** The 3-digit RFM cell, e.g. rfmCell(5, 4, 5) === "545". */
export function rfmCell(r: number, f: number, m: number): string {
  return `${r}${f}${m}`;
}

const inRange = (score: number, [lo, hi]: [number, number]) => score >= lo && score <= hi;

/** The name of the first rule whose three ranges contain the scores, or "Other". */
export function matchSegment(r: number, f: number, m: number, rules: readonly SegmentRule[]): string {
  for (const rule of rules) if (inRange(r, rule.r) && inRange(f, rule.f) && inRange(m, rule.m)) return rule.name;
  return OTHER_SEGMENT;
}

/** Every one of the 125 cells "111".."555" -> its segment under `rules`. */
export function cellSegments(rules: readonly SegmentRule[]): Map<string, string> {
  const map = new Map<string, string>();
  for (let r = 1; r <= 5; r++)
    for (let f = 1; f <= 5; f++) for (let m = 1; m <= 5; m++) map.set(rfmCell(r, f, m), matchSegment(r, f, m, rules));
  return map;
}

/** Per customer: the cell and the segment, via the 125-cell lookup (shared strings, one rule scan per cell). */
export function assignSegments(
  r: ArrayLike<number>,
  f: ArrayLike<number>,
  m: ArrayLike<number>,
  rules: readonly SegmentRule[],
): { cells: string[]; segments: string[] } {
  const lookup = cellSegments(rules);
  const cellNames: string[] = [];
  const segmentNames: string[] = [];
  for (const [cell, segment] of lookup) {
    cellNames.push(cell);
    segmentNames.push(segment);
  }
  const cells = new Array<string>(r.length);
  const segments = new Array<string>(r.length);
  for (let i = 0; i < r.length; i++) {
    if (!(r[i] >= 1 && r[i] <= 5 && f[i] >= 1 && f[i] <= 5 && m[i] >= 1 && m[i] <= 5))
      throw new RangeError(`assignSegments: scores must be 1..5, got ${r[i]}${f[i]}${m[i]}`);
    const index = (r[i] - 1) * 25 + (f[i] - 1) * 5 + (m[i] - 1);
    cells[i] = cellNames[index];
    segments[i] = segmentNames[index];
  }
  return { cells, segments };
}

/**
 * The segment table, in rule order (every named segment, also when empty), then "Other" when any customer
 * landed there. Rules sharing a name are one segment (first rule's description and action).
 */
export function segmentTable(
  segments: readonly string[],
  revenue: ArrayLike<number>,
  rules: readonly SegmentRule[],
): RfmSegmentRow[] {
  const rows = new Map<string, RfmSegmentRow>();
  for (const rule of rules)
    if (!rows.has(rule.name))
      rows.set(rule.name, {
        segment: rule.name,
        customers: 0,
        share_customers: 0,
        revenue: 0,
        share_revenue: 0,
        description: rule.description,
        action: rule.action,
        cells: [],
      });
  const other: RfmSegmentRow = {
    segment: OTHER_SEGMENT,
    customers: 0,
    share_customers: 0,
    revenue: 0,
    share_revenue: 0,
    description: OTHER_DESCRIPTION,
    action: OTHER_ACTION,
    cells: [],
  };
  for (const [cell, name] of cellSegments(rules)) (rows.get(name) ?? other).cells.push(cell);
  let total = 0;
  for (let i = 0; i < segments.length; i++) {
    const row = rows.get(segments[i]) ?? other;
    row.customers++;
    row.revenue += revenue[i];
    total += revenue[i];
  }
  const out = [...rows.values()];
  if (other.customers > 0) out.push(other);
  for (const row of out) {
    row.share_customers = segments.length ? row.customers / segments.length : 0;
    row.share_revenue = total ? row.revenue / total : 0;
  }
  return out;
}
