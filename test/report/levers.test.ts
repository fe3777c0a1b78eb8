/**
 * The strategy page's levers (loaders/report/levers.ts): which members each lever applies to, the default segment
 * of each lever, the default uplifts and the checked strategy paragraph. Every expected value is worked out by
 * hand from the small inputs written here.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { TraitThresholds } from "../../loaders/cluster/traits.ts";
import type { SegmentRow } from "../../loaders/report/facts.ts";
import {
  checkedStrategy,
  defaultUplifts,
  leverDefaults,
  leverTargets,
  targetText,
  type LeverTarget,
  type SegmentTargets,
} from "../../loaders/report/levers.ts";
import { PLAYBOOK } from "../../loaders/report/playbook.ts";
import type { CustomerFeatures } from "../../loaders/types.ts";

const THRESHOLDS: TraitThresholds = {
  recent_days: 30,
  lapsed_days: 100,
  median_orders: 2,
  high_spend: 500,
  low_spend: 50,
  new_days: 90,
};

function customer(recency: number, frequency: number, monetary: number, tenure: number): CustomerFeatures {
  return { recency, frequency, monetary, tenure } as CustomerFeatures;
}

// [recency, frequency, monetary, tenure, cluster]: what each is, by the thresholds above
const PEOPLE: [number, number, number, number, number][] = [
  [5, 2, 100, 90, 0], // new (tenure 90 = new_days)
  [150, 3, 300, 500, 0], // lapsed
  [100, 4, 400, 500, 0], // neither (recency 100 = lapsed_days is not lapsed)
  [10, 1, 50, 20, 1], // new
  [30, 2, 70, 60, 1], // new
  [200, 5, 1000, 800, 1], // lapsed
  [101, 1, 20, 300, 2], // lapsed
  [300, 2, 60, 400, 2], // lapsed
  [1, 1, 10, 400, 2], // neither
  [120, 1, 5, 80, 2], // new and past lapsed_days: counted as new only
];
const CUSTOMERS = PEOPLE.map(([r, f, m, t]) => customer(r, f, m, t));
const LABELS = PEOPLE.map((p) => p[4]);

function row(name: string, cluster: number, extra: Partial<SegmentRow> = {}): SegmentRow {
  return { name, cluster, strategy: "", ...extra } as SegmentRow;
}

function target(customers: number, share: number, revenue = 0, orders = 0): LeverTarget {
  return { customers, share, revenue, orders };
}

describe("leverTargets", () => {
  it("counts each cluster's new members and its lapsed members that are not new", () => {
    const targets = leverTargets(CUSTOMERS, LABELS, 3, THRESHOLDS);
    assert.deepEqual(targets, [
      { new: target(1, 1 / 3, 100, 2), lapsed: target(1, 1 / 3, 300, 3) },
      { new: target(2, 2 / 3, 120, 3), lapsed: target(1, 1 / 3, 1000, 5) },
      { new: target(1, 1 / 4, 5, 1), lapsed: target(2, 2 / 4, 80, 3) },
    ]);
  });

  it("gives an empty cluster zero shares, not NaN", () => {
    const targets = leverTargets(CUSTOMERS.slice(0, 3), [0, 0, 0], 2, THRESHOLDS);
    assert.deepEqual(targets[1], { new: target(0, 0), lapsed: target(0, 0) });
  });
});

describe("leverDefaults", () => {
  it("keep: the highest revenue per customer; grow and win back: the largest among segments they fit", () => {
    const rows = [
      row("A", 0, { revenue_per_customer: 500 }),
      row("B", 1, { revenue_per_customer: 100 }),
      row("C", 2, { revenue_per_customer: 50 }),
      row("D", 3, { revenue_per_customer: 20 }),
    ];
    const targets: SegmentTargets[] = [
      // A is keep's: its many new and lapsed members are never counted for another lever
      { new: target(900, 0.9), lapsed: target(900, 0.9, 1e6) },
      { new: target(10, 0.6), lapsed: target(5, 0.3, 1000) },
      { new: target(30, 0.7), lapsed: target(40, 0.9, 9999) },
      { new: target(50, 0.4), lapsed: target(8, 0.55, 500) },
    ];
    // grow: B and C fit (share >= 0.5), C has more new customers; D has the most but they are not its majority.
    // win back: C is taken by grow, so B (0.3) or D (0.55): D fits.
    assert.deepEqual(leverDefaults(rows, targets), {
      top: { segment: "A", fits: true },
      promising: { segment: "C", fits: true },
      at_risk: { segment: "D", fits: true },
    });
  });

  it("falls back to the highest share when no segment fits, and to none when only taken segments qualify", () => {
    const rows = [row("A", 0, { revenue_per_customer: 10 }), row("B", 1, { revenue_per_customer: 90 })];
    const targets: SegmentTargets[] = [
      { new: target(3, 0.2), lapsed: target(0, 0) },
      { new: target(1, 0.1), lapsed: target(7, 0.7, 70) },
    ];
    // keep: B; grow: only A is left, 0.2 < 0.5; win back: A has no lapsed members, B is keep's
    assert.deepEqual(leverDefaults(rows, targets), {
      top: { segment: "B", fits: true },
      promising: { segment: "A", fits: false },
      at_risk: { segment: null, fits: false },
    });
  });

  it("breaks ties by cluster order", () => {
    const rows = [row("A", 0, { revenue_per_customer: 5 }), row("B", 1, { revenue_per_customer: 5 })];
    const targets: SegmentTargets[] = [
      { new: target(1, 0.5), lapsed: target(0, 0) },
      { new: target(1, 0.5), lapsed: target(0, 0) },
    ];
    const d = leverDefaults(rows, targets);
    assert.equal(d.top.segment, "A");
    assert.equal(d.promising.segment, "B");
  });
});

describe("defaultUplifts", () => {
  it("applies the page's formulas at the default sliders to the members each lever fits", () => {
    const targets = leverTargets(CUSTOMERS, LABELS, 3, THRESHOLDS);
    const rows = [
      row("Zero", 0, { customers: 3, revenue_per_customer: 800 / 3 }),
      row("One", 1, { customers: 3, revenue_per_customer: 1120 / 3 }),
      row("Two", 2, { customers: 4, revenue_per_customer: 95 / 4 }),
    ];
    const defaults = leverDefaults(rows, targets);
    // keep: One (373.33 a customer); grow: Zero (new share 1/3 beats Two's 1/4); win back: Two (lapsed share 1/2)
    assert.deepEqual(
      [defaults.top.segment, defaults.promising.segment, defaults.at_risk.segment],
      ["One", "Zero", "Two"],
    );
    const u = defaultUplifts(rows, targets, defaults, 2);
    // keep: 5% of 3 customers x 1,120/3 over 2 years = 0.05 x 560 = 28
    assert.ok(Math.abs(u.keep - 28) < 1e-9, String(u.keep));
    // grow: 25% of 1 new customer x 1 order x £100 / 2 orders = 12.5
    assert.ok(Math.abs(u.grow - 12.5) < 1e-9, String(u.grow));
    // win back: 10% of 2 lapsed x (£80 / 2 customers / 2 years) = 4
    assert.ok(Math.abs(u.win - 4) < 1e-9, String(u.win));
  });

  it("is zero for a lever without a segment", () => {
    const rows = [row("A", 0, { customers: 10, revenue_per_customer: 100 })];
    const targets: SegmentTargets[] = [{ new: target(4, 0.4, 400, 8), lapsed: target(2, 0.2, 50) }];
    const u = defaultUplifts(rows, targets, leverDefaults(rows, targets), 1);
    assert.deepEqual(u, { keep: 0.05 * 10 * 100, grow: 0, win: 0 });
  });
});

describe("checkedStrategy", () => {
  const context = { currency: "£", overall_revenue_per_customer: 200, years: 1, largest_uplift: null };

  it("drops 'one step below the very best' on the top-ranked segment", () => {
    const loyal = row("High-Value Active", 0, {
      strategy: PLAYBOOK["High-Value Active"].strategy,
      revenue_per_customer: 900,
    });
    const other = row("Middle", 1, { revenue_per_customer: 100 });
    const text = checkedStrategy(loyal, [loyal, other], context);
    assert.ok(text.startsWith("The most valuable customers in this segmentation: protect them first."), text);
    assert.doesNotMatch(text, /one step below/);
    // ranked second it keeps the sentence
    const champions = row("Top-Value Active", 1, { revenue_per_customer: 2000 });
    assert.match(checkedStrategy(loyal, [loyal, champions], context), /one step below the very best/);
  });

  it("drops the disproportionate-revenue claim unless revenue share exceeds customer share", () => {
    const strategy = PLAYBOOK["Top-Value Active"].strategy;
    const even = row("Top-Value Active", 0, {
      strategy,
      revenue_per_customer: 10,
      revenue_share: 0.3,
      customer_share: 0.3,
    });
    assert.ok(checkedStrategy(even, [even], context).startsWith("Protect this group first. Give them"));
    const more = row("Top-Value Active", 0, {
      strategy,
      revenue_per_customer: 10,
      revenue_share: 0.5,
      customer_share: 0.3,
    });
    assert.match(checkedStrategy(more, [more], context), /: it carries a disproportionate share of revenue\./);
  });

  it("states the figures behind 'little to gain per customer', or drops the claim when it does not hold", () => {
    const strategy = PLAYBOOK["Low-Value Lapsed"].strategy;
    const low = row("Low-Value Lapsed", 0, { strategy, revenue_per_customer: 100 });
    // over 2 years: £100 / 2 = £50.00 a year each; £200 / 2 = £100 overall
    assert.ok(
      checkedStrategy(low, [low], { ...context, years: 2 }).startsWith(
        "Little to gain per customer (£50.00 a year each, against £100 over all customers): keep them",
      ),
    );
    const high = row("Low-Value Lapsed", 0, { strategy, revenue_per_customer: 250 });
    assert.ok(checkedStrategy(high, [high], context).startsWith("Keep them on low-cost automated mailings"));
  });

  it("explains the largest default uplift only on a segment in the lower half", () => {
    const rows = [0, 1, 2].map((j) => row(`S${j}`, j, { strategy: "Plan.", revenue_per_customer: 300 - 100 * j }));
    const uplift = { lever: "win back", value: 12_345, members: 1234, who: "lapsed customers" };
    const on = (segment: string) => ({ ...context, largest_uplift: { ...uplift, segment } });
    // 3 segments: the upper half is ranks 1-2 (ceil(3/2) = 2)
    assert.equal(
      checkedStrategy(rows[2], rows, on("S2")),
      "Plan. It still carries the largest default uplift (win back, £12k a year) because of how many customers " +
        "it applies to: 1,234 lapsed customers, not because each is worth much.",
    );
    assert.equal(checkedStrategy(rows[1], rows, on("S1")), "Plan.");
    assert.equal(checkedStrategy(rows[2], rows, on("S1")), "Plan.");
  });
});

describe("targetText", () => {
  it("counts and shares the members", () => {
    assert.equal(targetText(target(1234, 0.7012), "new customers"), "1,234 new customers (70.1% of the segment)");
  });
});
