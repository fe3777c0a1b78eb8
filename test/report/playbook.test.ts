/**
 * The playbook (loaders/report/playbook.ts): every name the segmentation can give has its own play, suffixed
 * names find their grid name, and the one-line profile sentence says the medians it is given.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NAME_GRID } from "../../loaders/cluster/naming.ts";
import { baseName, PLAYBOOK, playFor, profileSentence } from "../../loaders/report/playbook.ts";

describe("playbook", () => {
  it("has a play for every grid name, and every play is a grid name or the recent low-value name", () => {
    const grid = new Set(Object.values(NAME_GRID).flatMap((row) => Object.values(row)));
    for (const name of grid) assert.ok(PLAYBOOK[name], `no play for ${name}`);
    // traits.ts's recent, low-value, mostly not new clusters are named "Low-Value Active" outside the grid
    assert.deepEqual(
      Object.keys(PLAYBOOK).filter((name) => !grid.has(name)),
      ["Low-Value Active"],
    );
    for (const [name, play] of Object.entries(PLAYBOOK))
      for (const field of ["meaning", "action", "strategy"] as const)
        assert.ok(play[field].trim().length > 10, `${name}: ${field}`);
  });

  it("finds the grid name of a suffixed name, and leaves other names alone", () => {
    assert.equal(baseName("Lapsed (less recent)"), "Lapsed");
    assert.equal(baseName("High-Value Cooling (higher spend)"), "High-Value Cooling");
    assert.equal(baseName("Top-Value Active"), "Top-Value Active");
    assert.equal(baseName("Loyal (but not ours)"), "Loyal (but not ours)");
    assert.equal(baseName("Noise (in no dense group)"), "Noise (in no dense group)");
  });

  it("gives a suffixed name its grid name's play and an unknown name the neutral one", () => {
    assert.deepEqual(playFor("Lapsed (less recent)"), PLAYBOOK["Lapsed"]);
    const other = playFor("Noise (in no dense group)");
    assert.equal(other.role, "other");
    for (const play of Object.values(PLAYBOOK)) assert.notEqual(other.strategy, play.strategy);
  });
});

describe("profileSentence", () => {
  it("says the medians: whole orders, whole currency from 100 up, two decimals below", () => {
    assert.equal(
      profileSentence({ median_recency: 12, median_frequency: 9, median_monetary: 3412.4 }, "£"),
      "Last order a median 12 days ago; 9 orders and £3,412 spent (medians).",
    );
    assert.equal(
      profileSentence({ median_recency: 1234, median_frequency: 1, median_monetary: 45.5 }, "$"),
      "Last order a median 1,234 days ago; 1 order and $45.50 spent (medians).",
    );
  });

  it("keeps one decimal of a half median count, and says purchases for a customer-level table", () => {
    assert.equal(
      profileSentence({ median_recency: 30.5, median_frequency: 2.5, median_monetary: 11271.2 }, "€", "purchase"),
      // 30.5 rounds to 31 days (Math.round)
      "Last purchase a median 31 days ago; 2.5 purchases and €11,271 spent (medians).",
    );
  });
});
