/**
 * geography.json: customers and revenue per country with its region (loaders/report/regions.ts), the segment
 * mix per country for every k, and the cluster x country chi-square with adjusted standardised residuals.
 */
import type { ReportContext } from "../context.ts";
import { MIN_GROUP_CUSTOMERS, smallGroupsNote } from "../limits.ts";
import { REGIONS, regionOf, regionTable } from "../regions.ts";
import { countryTest, inactiveCluster, rnd, segmentRows } from "../facts.ts";
import { homeSpend } from "../home-spend.ts";
import { wilson } from "../../stats/intervals.ts";

/** A share of `n` customers with its Wilson 95% interval (rounded), or null below the minimum group size. */
function shareOf(part: number, n: number): { share: number; low: number; high: number } | null {
  if (n < MIN_GROUP_CUSTOMERS) return null;
  const { low, high } = wilson(part, n);
  return { share: rnd(part / n, 6)!, low: rnd(low, 6)!, high: rnd(high, 6)! };
}

export function geographyData(ctx: ReportContext): Record<string, unknown> {
  const overall = ctx.all.countries.get(-1) ?? new Map();
  const countries = [...overall.entries()]
    .map(([country, v]) => ({ country, region: regionOf(country), customers: v.customers, revenue: rnd(v.revenue) }))
    .sort((a, b) => b.customers - a.customers || (a.country < b.country ? -1 : 1));
  const byK: Record<string, unknown> = {};
  for (const [k, kd] of ctx.byK) {
    const names = kd.solution.names;
    const counts: Record<string, number[]> = {};
    for (const { country } of countries)
      counts[country] = names.map((_, j) => kd.agg.countries.get(j)?.get(country)?.customers ?? 0);
    const test = countryTest(ctx, kd);
    const rows = segmentRows(ctx, kd);
    const inactive = inactiveCluster(rows);
    const top = [...rows].sort((a, b) => b.revenue_per_customer - a.revenue_per_customer || a.cluster - b.cluster)[0];
    const topIndex = names.indexOf(top.name);
    const inactiveIndex = names.indexOf(inactive.name);
    // each region's and country's share in the top and the least active segment, with its interval
    const shares = (groups: [string, number[]][]) =>
      Object.fromEntries(
        groups.map(([name, c]) => {
          const n = c.reduce((t, x) => t + x, 0);
          return [name, { top: shareOf(c[topIndex], n), inactive: shareOf(c[inactiveIndex], n) }];
        }),
      );
    const regionCounts = REGIONS.map((region): [string, number[]] => [
      region,
      names.map((_, j) => countries.filter((c) => c.region === region).reduce((t, c) => t + counts[c.country][j], 0)),
    ]);
    byK[k] = {
      names,
      counts,
      inactive: inactive.name,
      top: top.name,
      // the customers of each region per segment (the region chart and table)
      region_counts: Object.fromEntries(regionCounts),
      region_shares: shares(regionCounts),
      country_shares: shares(Object.entries(counts)),
      test: test && {
        chi2: rnd(test.chi2, 2),
        df: test.df,
        p: test.p,
        cramers_v: rnd(test.cramers_v, 4),
        min_expected: rnd(test.min_expected, 2),
        countries: test.countries,
        merged: test.merged,
        note: test.note,
        residuals: test.residuals.map((row) => row.map((v) => rnd(v, 2))),
      },
    };
  }
  const regionCustomers = REGIONS.map((name) => ({
    name,
    customers: countries.filter((c) => c.region === name).reduce((sum, c) => sum + c.customers, 0),
  }));
  const home = ctx.available.country
    ? homeSpend(
        ctx.ingest.customers.map((c) => c.country),
        Float64Array.from(ctx.ingest.customers, (c) => c.monetary),
        ctx.chosen.solution.labels,
        ctx.chosen.solution.names,
      )
    : null;
  const ratio = (r: { ratio: number; low: number; high: number }) => ({
    ratio: rnd(r.ratio, 3),
    low: rnd(r.low, 3),
    high: rnd(r.high, 3),
  });
  return {
    available: ctx.available.country,
    // spend per head abroad / at home, overall and within each segment of the chosen k (home-spend.ts)
    home_spend: home && {
      home: home.home,
      rows: [
        {
          segment: "All customers",
          home_customers: home.home_customers,
          abroad_customers: home.abroad_customers,
          ...ratio(home.overall),
        },
        ...home.within.map((w) => ({
          segment: w.segment,
          home_customers: w.home_customers,
          abroad_customers: w.abroad_customers,
          ...ratio(w),
        })),
      ],
    },
    note: ctx.available.country
      ? null
      : ctx.available.lines
        ? "Not available: the data has no country column."
        : "Not available: a customer-level table has no order lines to place customers and revenue by country.",
    regions: REGIONS,
    region_table: regionTable(),
    countries,
    by_k: byK,
    // shares of regions and countries below the minimum are not stated; the notes name them with their counts
    min_customers: MIN_GROUP_CUSTOMERS,
    small_regions_note: smallGroupsNote(regionCustomers, "regions"),
    small_countries_note: smallGroupsNote(
      countries.map((c) => ({ name: c.country, customers: c.customers })),
      "countries",
    ),
  };
}
