import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { chooseK, SILHOUETTE_TOLERANCE, STABILITY_MIN, type KCandidate } from "../../loaders/cluster/choose-k.ts";

const candidate = (k: number, silhouette: number, davies_bouldin = 1): KCandidate => ({
  k,
  inertia: 1000 / k,
  silhouette,
  davies_bouldin,
  calinski_harabasz: 100,
});
// the silhouettes of Online Retail (gross revenue, default features) for k = 2..8
const retail = [0.433, 0.339, 0.336, 0.319, 0.316, 0.304, 0.302].map((s, i) => candidate(i + 2, s));
/** a stability function that records what it was asked */
const measured = (table: Record<number, number>) => {
  const asked: number[] = [];
  return { asked, of: (k: number) => (asked.push(k), table[k] ?? 0.95) };
};

describe("choice of k", () => {
  it("k = 2 is not a candidate by default; the stable elbow within the tolerance wins and the reason says why not 2", async () => {
    const s = measured({ 5: 0.886 });
    const c = await chooseK(retail, "auto", 5, { kMin: 3, stability: s.of });
    assert.equal(c.k, 5);
    assert.equal(c.rule, "auto");
    assert.deepEqual(c.admissible, [3, 4, 5, 6, 7, 8]);
    assert.equal(c.silhouette_best_k, 2);
    assert.deepEqual(s.asked, [5], "stability is measured only for the candidates the rule reaches");
    assert.equal(
      c.reason,
      "k = 5: the inertia elbow (silhouette 0.319). Among k = 3 to 8, k = 3, 4, 5, 6, 7 and 8 have a mean silhouette " +
        "within 0.05 of the best (0.339 at k = 3), and its bootstrap stability is 0.886 (mean adjusted Rand index, at " +
        "least 0.8 required). The highest silhouette over every computed k is at k = 2 (0.433), not taken: below " +
        "clustering.k_min = 3 (fewer than 3 segments cannot tell new customers from lapsed ones; set k_min to 2 to allow it).",
    );
  });

  it("with k_min = 2 a clear silhouette winner outside the tolerance is chosen", async () => {
    const c = await chooseK(retail, "auto", 5, { kMin: 2, stability: () => 0.97 });
    assert.equal(c.k, 2);
    assert.deepEqual(c.admissible, [2]);
    assert.match(
      c.reason,
      /^k = 2: the inertia elbow is at k = 5, outside the admissible set; the admissible k nearest to it/,
    );
  });

  it("an unstable elbow is skipped for the nearest stable admissible k (ties: the smaller)", async () => {
    const s = measured({ 5: 0.6, 4: 0.9, 6: 0.9 });
    const c = await chooseK(retail, "auto", 5, { kMin: 3, stability: s.of });
    assert.equal(c.k, 4);
    assert.deepEqual(s.asked, [5, 4]);
    assert.match(c.reason, /k = 5 \(0\.600\) came first but is less stable/);
  });

  it("an elbow outside the silhouette tolerance is not taken", async () => {
    const cs = [candidate(3, 0.5), candidate(4, 0.48), candidate(5, 0.5 - SILHOUETTE_TOLERANCE - 0.01)];
    const c = await chooseK(cs, "auto", 5, { kMin: 3, stability: () => 0.9 });
    assert.equal(c.k, 4);
    assert.deepEqual(c.admissible, [3, 4]);
  });

  it("without an elbow, the highest silhouette among stable admissible k", async () => {
    const c = await chooseK([candidate(3, 0.4), candidate(4, 0.42), candidate(5, 0.41)], "auto", null, {
      kMin: 3,
      stability: (k) => (k === 4 ? 0.5 : 0.9),
    });
    assert.equal(c.k, 5);
  });

  it("when no admissible k is stable, the most stable one, with a caution", async () => {
    const c = await chooseK([candidate(3, 0.4), candidate(4, 0.41)], "auto", 4, {
      kMin: 3,
      stability: (k) => (k === 3 ? 0.7 : 0.6),
    });
    assert.equal(c.k, 3);
    assert.ok(0.7 < STABILITY_MIN);
    assert.match(
      c.reason,
      /no admissible k reaches a bootstrap stability of 0\.8, so the most stable is used \(0\.700\)/,
    );
  });

  it("without stability measured the reason says so", async () => {
    const c = await chooseK(retail, "auto", 5, { kMin: 3 });
    assert.equal(c.k, 5);
    assert.match(c.reason, /stability was not measured \(bootstrap_runs = 0\)/);
  });

  it("a configured k is kept, may be 2, and the reason says what auto would pick", async () => {
    const c = await chooseK(retail, 2, 5, { kMin: 3, stability: () => 0.9 });
    assert.equal(c.k, 2);
    assert.equal(c.rule, "config");
    assert.equal(c.auto_k, 5);
    assert.match(c.reason, /set in the configuration .* the automatic rule would pick k = 5\.$/);
  });

  it("never admits an undefined silhouette", async () => {
    const c = await chooseK([candidate(3, Number.NaN), candidate(4, 0.2)], "auto", null, { kMin: 3 });
    assert.equal(c.k, 4);
  });
});
