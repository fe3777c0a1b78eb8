/**
 * Traits a segment's name asserts, checked against its members.
 *
 * Each trait is defined per customer against all customers (type-7 quantiles of the whole base, so the cut-offs
 * move with the data, gross or net):
 *   recent      recency <= Q40 of recency (the last order is among the most recent 40%)
 *   not recent  recency >  Q40 of recency ("cooling")
 *   lapsed      recency >  Q60 of recency (not among the most recent 60%: "inactive", "at risk")
 *   new         first purchase within NEW_CUSTOMER_DAYS (90) days of the snapshot (tenure <= 90)
 *   frequent    frequency > the median frequency (more orders than the typical customer)
 *   repeat      2 or more orders ("regulars")
 *   occasional  frequency <= the median frequency
 *   high spend  monetary > Q60 of monetary (among the top 40% by spend: "high-value", "top-value")
 *   low spend   monetary <= Q40 of monetary
 * A grid name (naming.ts) asserts the traits in NAME_TRAITS. A name is kept when each of its traits holds for at
 * least half of the members; a trait that holds for less than HOLDS_SHARE (two thirds) is said with its share
 * ("mostly recent: 58%"). A trait below half changes the name: the grid level of that dimension (recency or
 * value) moves one step to "middle" (when it already is, the other dimension does) and the name is looked up
 * again, until every trait of the name holds for at least half (the "Middle" cell asserts nothing). A name that
 * says lapsed ("Lapsed", "High-Value Lapsed") is also given up when NEW_CUSTOMER_MAX_SHARE (10%) or more of its
 * members are new customers: recency moves to "middle". A recent, low-value cluster whose members are mostly not
 * new is "Low-Value Active" rather than "Recent Starters".
 *
 * Value words are held against the rest of the customers: a name saying "High-Value" or "Top-Value" is kept only
 * when the seeded bootstrap 95% interval of the segment's median spend over the median spend of every other
 * customer lies at or above VALUE_RATIO (1.25); "Low-Value" only when it lies at or below 1 / VALUE_RATIO.
 * Otherwise value moves to "middle" and the name is looked up again, with why ("median spend 1.06× the rest,
 * 95% interval 0.98–1.14: not clearly above").
 */
import { groupRatios } from "../stats/intervals.ts";
import { quantileSorted } from "../stats/quantile.ts";
import { ALL_TRAITS, type Trait } from "./trait-names.ts";

export { ALL_TRAITS, type Trait };

/** Where a cluster's medians sit in the whole customer base (mid-rank percentiles, 0..1) and the resulting levels. */
export interface ClusterPosition {
  recency_pct: number;
  frequency_pct: number;
  monetary_pct: number;
  /** 1 - recency_pct: 1 = the most recent customers */
  recentness: number;
  /** mean of frequency_pct and monetary_pct */
  value: number;
  recency_level: "recent" | "middle" | "lapsed";
  value_level: "top" | "high" | "middle" | "low";
}

export const HOLDS_SHARE = 2 / 3;
export const KEEP_SHARE = 1 / 2;
export const NEW_CUSTOMER_DAYS = 90;
export const NEW_CUSTOMER_MAX_SHARE = 0.1;

const RECENCY_TRAITS = new Set<Trait>(["recent", "not_recent", "lapsed"]);

/** What each grid name asserts about its members. */
export const NAME_TRAITS: Record<string, Trait[]> = {
  "Top-Value Active": ["recent", "frequent", "high_spend"],
  "High-Value Active": ["recent", "frequent", "high_spend"],
  "Active Regulars": ["recent", "repeat"],
  "Recent Starters": ["recent", "new"],
  "Low-Value Active": ["recent", "low_spend"],
  "High-Value Cooling": ["not_recent", "high_spend"],
  Middle: [],
  "Low-Value Occasional": ["occasional", "low_spend"],
  "High-Value Lapsed": ["lapsed", "high_spend"],
  Lapsed: ["lapsed"],
  "Low-Value Lapsed": ["lapsed", "low_spend"],
};

/** Names that say the members have stopped buying. */
export const LAPSED_NAMES = new Set(["High-Value Lapsed", "Lapsed", "Low-Value Lapsed"]);

/** A value word needs the segment's median spend this many times the rest's (its interval, not just the figure). */
export const VALUE_RATIO = 1.25;
/** Bootstrap resamples for a value word's interval. */
export const VALUE_RESAMPLES = 400;

/** Which way a name's value word points: "high" (High-Value, Top-Value), "low" (Low-Value) or null. */
export function valueWord(name: string): "high" | "low" | null {
  return /\b(High|Top)-Value\b/.test(name) ? "high" : /\bLow-Value\b/.test(name) ? "low" : null;
}

/** A segment's median spend against the rest's, with its bootstrap interval. */
export interface ValueRatio {
  ratio: number;
  low: number;
  high: number;
}

/** The per-customer columns the traits read (input order). */
export interface TraitColumns {
  recency: ArrayLike<number>;
  frequency: ArrayLike<number>;
  monetary: ArrayLike<number>;
  /** days from the first purchase to the snapshot */
  tenure: ArrayLike<number>;
}

/** The cut-offs of the traits on this customer base. */
export interface TraitThresholds {
  recent_days: number;
  lapsed_days: number;
  median_orders: number;
  high_spend: number;
  low_spend: number;
  new_days: number;
}

/** Cut-offs from the ascending recency, frequency and monetary of all customers. */
export function traitThresholds(base: {
  recency: ArrayLike<number>;
  frequency: ArrayLike<number>;
  monetary: ArrayLike<number>;
}): TraitThresholds {
  return {
    recent_days: quantileSorted(base.recency, 0.4),
    lapsed_days: quantileSorted(base.recency, 0.6),
    median_orders: quantileSorted(base.frequency, 0.5),
    high_spend: quantileSorted(base.monetary, 0.6),
    low_spend: quantileSorted(base.monetary, 0.4),
    new_days: NEW_CUSTOMER_DAYS,
  };
}

/** Whether customer i has the trait. */
export function hasTrait(trait: Trait, i: number, c: TraitColumns, t: TraitThresholds): boolean {
  switch (trait) {
    case "recent":
      return c.recency[i] <= t.recent_days;
    case "not_recent":
      return c.recency[i] > t.recent_days;
    case "lapsed":
      return c.recency[i] > t.lapsed_days;
    case "new":
      return c.tenure[i] <= t.new_days;
    case "frequent":
      return c.frequency[i] > t.median_orders;
    case "repeat":
      return c.frequency[i] >= 2;
    case "occasional":
      return c.frequency[i] <= t.median_orders;
    case "high_spend":
      return c.monetary[i] > t.high_spend;
    case "low_spend":
      return c.monetary[i] <= t.low_spend;
  }
}

/** A trait's word, and its definition on this data (money in whole units of the data's currency). */
export function traitWords(trait: Trait, t: TraitThresholds): { word: string; definition: string } {
  const days = (x: number) => `${Math.round(x * 10) / 10} days`;
  const orders = (x: number) => `${Math.round(x * 10) / 10} order${x === 1 ? "" : "s"}`;
  const money = (x: number) => Math.round(x).toLocaleString("en-GB");
  switch (trait) {
    case "recent":
      return { word: "recent", definition: `last order at most ${days(t.recent_days)} ago` };
    case "not_recent":
      return { word: "not recent", definition: `last order more than ${days(t.recent_days)} ago` };
    case "lapsed":
      return { word: "lapsed", definition: `last order more than ${days(t.lapsed_days)} ago` };
    case "new":
      return { word: "new", definition: `first order within the last ${days(t.new_days)}` };
    case "frequent":
      return { word: "frequent", definition: `more than ${orders(t.median_orders)}` };
    case "repeat":
      return { word: "repeat buyers", definition: "2 or more orders" };
    case "occasional":
      return { word: "occasional", definition: `at most ${orders(t.median_orders)}` };
    case "high_spend":
      return { word: "high spend", definition: `spent more than ${money(t.high_spend)}` };
    case "low_spend":
      return { word: "low spend", definition: `spent at most ${money(t.low_spend)}` };
  }
}

export interface TraitShare {
  trait: Trait;
  word: string;
  definition: string;
  /** share of the segment's members with the trait */
  share: number;
  /** share >= HOLDS_SHARE: said plainly; else qualified ("mostly") */
  holds: boolean;
}

/** How a cluster's name was checked against its members. */
export interface NameCheck {
  traits: TraitShare[];
  /** share of members for whom every trait of the name holds (null: the name asserts none) */
  name_holds: number | null;
  /** share of members who are new customers */
  new_share: number;
  /** grid names given up on the way, with why */
  rejected: { name: string; why: string }[];
  /** every trait's share of members (clusters only), for describing a name that asserts none */
  shares?: Partial<Record<Trait, number>>;
  /** the median spend over the rest's, with its interval, when a value word was weighed */
  value_ratio?: ValueRatio;
}

/** Per cluster and trait: how many members have it; plus how many have every trait of a list. */
function countTraits(
  labels: ArrayLike<number>,
  k: number,
  c: TraitColumns,
  t: TraitThresholds,
  traits: readonly Trait[],
): number[][] {
  const counts = Array.from({ length: k }, () => new Array<number>(traits.length).fill(0));
  for (let i = 0; i < labels.length; i++) {
    const row = counts[labels[i]];
    traits.forEach((trait, j) => {
      if (hasTrait(trait, i, c, t)) row[j]++;
    });
  }
  return counts;
}

/** The grid name of two levels (NAME_GRID of naming.ts, with "Low-Value Active" for recent, low, mostly not new). */
export type GridLookup = (recency: ClusterPosition["recency_level"], value: ClusterPosition["value_level"]) => string;

/**
 * Checks the grid name of each cluster against its members and moves the levels until the name holds (see the
 * module comment). Returns the adjusted positions (levels changed where a name was given up) and the checks.
 */
export function checkNames(
  positions: readonly ClusterPosition[],
  labels: ArrayLike<number>,
  columns: TraitColumns,
  thresholds: TraitThresholds,
  grid: GridLookup,
  /** columns.monetary's ascending copy, where the caller has one (the base's) */
  sortedMonetary: Float64Array | null = null,
): { positions: ClusterPosition[]; checks: NameCheck[]; names: string[] } {
  const k = positions.length;
  const counts = countTraits(labels, k, columns, thresholds, ALL_TRAITS);
  const sizes = new Array<number>(k).fill(0);
  for (let i = 0; i < labels.length; i++) sizes[labels[i]]++;
  const share = (j: number, trait: Trait) => (sizes[j] ? counts[j][ALL_TRAITS.indexOf(trait)] / sizes[j] : 0);
  const out = positions.map((p) => ({ ...p }));
  const names: string[] = [];
  const rejected: NameCheck["rejected"][] = positions.map(() => []);
  const ratios = new Map<number, ValueRatio>();
  const spend = spendRatios(labels, columns.monetary, sortedMonetary);
  const valueRatio = (j: number): ValueRatio => {
    if (!ratios.has(j)) ratios.set(j, spend(j));
    return ratios.get(j)!;
  };
  out.forEach((p, j) => {
    for (;;) {
      let name = grid(p.recency_level, p.value_level);
      if (name === "Recent Starters" && share(j, "new") < KEEP_SHARE) {
        rejected[j].push({ name, why: `only ${pct(share(j, "new"))} are new customers` });
        name = "Low-Value Active";
      }
      const failing = NAME_TRAITS[name]?.find((trait) => share(j, trait) < KEEP_SHARE);
      const newInLapsed = LAPSED_NAMES.has(name) && share(j, "new") >= NEW_CUSTOMER_MAX_SHARE;
      const word = failing || newInLapsed ? null : valueWord(name);
      const unsupported = word !== null && !valueHolds(word, valueRatio(j));
      if (!failing && !newInLapsed && !unsupported) {
        names[j] = name;
        break;
      }
      const why = failing
        ? `${traitWords(failing, thresholds).word} holds for only ${pct(share(j, failing))}`
        : newInLapsed
          ? `${pct(share(j, "new"))} are new customers`
          : valueWhy(word!, valueRatio(j));
      rejected[j].push({ name, why });
      if (unsupported) {
        p.value_level = "middle";
        continue;
      }
      const recencyFirst = newInLapsed || (failing !== undefined && RECENCY_TRAITS.has(failing));
      if (recencyFirst ? p.recency_level !== "middle" : p.value_level === "middle") p.recency_level = "middle";
      else p.value_level = "middle";
    }
  });
  const shares = groupTraitShares(
    labels,
    names.map((name) => NAME_TRAITS[name] ?? []),
    columns,
    thresholds,
  );
  const checks = shares.map((x, j) => ({
    ...x,
    ...(ratios.has(j) ? { value_ratio: ratios.get(j)! } : {}),
    rejected: rejected[j],
    shares: Object.fromEntries(ALL_TRAITS.map((trait) => [trait, share(j, trait)])) as Record<Trait, number>,
  }));
  return { positions: out, checks, names };
}

/**
 * For groups 0..lists.length-1 of a labelling: each asserted trait's share of members, the share with every
 * asserted trait (null when none is asserted) and the share of new customers. One pass over the customers.
 */
export function groupTraitShares(
  labels: ArrayLike<number>,
  lists: readonly (readonly Trait[])[],
  columns: TraitColumns,
  thresholds: TraitThresholds,
): Omit<NameCheck, "rejected">[] {
  const k = lists.length;
  const sizes = new Array<number>(k).fill(0);
  const joint = new Array<number>(k).fill(0);
  const fresh = new Array<number>(k).fill(0);
  const counts = lists.map((list) => new Array<number>(list.length).fill(0));
  for (let i = 0; i < labels.length; i++) {
    const j = labels[i];
    if (j < 0 || j >= k) continue;
    sizes[j]++;
    if (hasTrait("new", i, columns, thresholds)) fresh[j]++;
    let all = true;
    lists[j].forEach((trait, t) => {
      if (hasTrait(trait, i, columns, thresholds)) counts[j][t]++;
      else all = false;
    });
    if (all) joint[j]++;
  }
  const of = (x: number, j: number) => (sizes[j] ? x / sizes[j] : 0);
  return lists.map((list, j) => ({
    traits: list.map((trait, t) => {
      const share = of(counts[j][t], j);
      return { trait, ...traitWords(trait, thresholds), share, holds: share >= HOLDS_SHARE };
    }),
    name_holds: list.length && sizes[j] ? joint[j] / sizes[j] : null,
    new_share: of(fresh[j], j),
  }));
}

/**
 * Group j's median spend over the median spend of every other customer, with a seeded bootstrap interval (each
 * group resampled within itself), for any group j of the labelling. `sorted`: monetary's ascending copy, where the
 * caller has one.
 */
export function spendRatios(
  labels: ArrayLike<number>,
  monetary: ArrayLike<number>,
  sorted: Float64Array | null = null,
): (j: number) => ValueRatio {
  const ratios = groupRatios(monetary, labels, sorted);
  return (j) => {
    const { ratio, low, high } = ratios(j, { seed: 42 + j, resamples: VALUE_RESAMPLES });
    return { ratio, low, high };
  };
}

/** Whether the interval supports the value word: wholly at or above VALUE_RATIO ("high"), at or below its inverse. */
export function valueHolds(word: "high" | "low", r: ValueRatio): boolean {
  return word === "high" ? r.low >= VALUE_RATIO : r.high <= 1 / VALUE_RATIO;
}

const times = (x: number) => `${(Math.round(x * 100) / 100).toFixed(2)}×`;

function valueWhy(word: "high" | "low", r: ValueRatio): string {
  return (
    `median spend ${times(r.ratio)} the rest of the customers (95% interval ${times(r.low)}–${times(r.high)}): ` +
    (word === "high"
      ? `not clearly above (${times(VALUE_RATIO)} needed)`
      : `not clearly below (${times(1 / VALUE_RATIO)} needed)`)
  );
}

/** The names of the traits, for validating configured lists. */
export const TRAITS: readonly Trait[] = ALL_TRAITS;

const pct = (x: number) => `${(Math.round(x * 1000) / 10).toFixed(1)}%`;

/**
 * The segment's traits as a sentence, each with its share: "Recent (92.0%), frequent (81.3%) and mostly high
 * spend (58.1%)."; a trait of fewer than half the members (a fixed RFM name) is said as "only 14.7% new". Empty
 * for a name that asserts nothing.
 */
export function traitSentence(traits: readonly TraitShare[]): string {
  if (!traits.length) return "";
  const parts = traits.map((t) =>
    t.holds
      ? `${t.word} (${pct(t.share)})`
      : t.share >= KEEP_SHARE
        ? `mostly ${t.word} (${pct(t.share)})`
        : `only ${pct(t.share)} ${t.word}`,
  );
  const text = parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
  return `${text[0].toUpperCase()}${text.slice(1)}.`;
}

/** The traits that describe a segment whose name asserts none: those holding for at least half of the members. */
const DESCRIBING: Trait[] = ["recent", "lapsed", "new", "frequent", "occasional", "high_spend", "low_spend"];

/**
 * A sentence for a name that asserts no trait ("Middle"): the traits that hold for at least half of its members,
 * with their shares, and why a more specific name was given up. "Mostly lapsed (57.8%) and occasional (61.2%);
 * not called Lapsed: 10.1% are new customers."
 */
export function unnamedSentence(check: NameCheck, thresholds: TraitThresholds): string {
  const held = DESCRIBING.map((trait) => ({ trait, share: check.shares?.[trait] ?? 0 }))
    .filter((x) => x.share >= KEEP_SHARE)
    .map((x) => ({
      trait: x.trait,
      ...traitWords(x.trait, thresholds),
      share: x.share,
      holds: x.share >= HOLDS_SHARE,
    }));
  const head = held.length ? traitSentence(held).replace(/\.$/, "") : "No single trait holds for most of its members";
  const given = check.rejected.map((r) => `not called ${r.name}: ${r.why}`).join("; ");
  return `${head}${given ? `; ${given}` : ""}.`;
}
