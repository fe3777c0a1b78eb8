import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { chooseK, type KCandidate } from "../loaders/cluster/choose-k.ts";

const candidate = (k: number, silhouette: number, davies_bouldin: number): KCandidate => ({
  k,
  inertia: 1000 / k,
  silhouette,
  davies_bouldin,
  calinski_harabasz: 100,
});

describe("choice of k", () => {
  it("a clear silhouette winner is chosen, with the numbers in the reason", () => {
    const c = chooseK(
      [candidate(2, 0.433, 0.891), candidate(3, 0.337, 1.042), candidate(4, 0.332, 1.022), candidate(5, 0.318, 0.983)],
      "auto",
      4,
    );
    assert.equal(c.k, 2);
    assert.equal(c.rule, "auto");
    assert.deepEqual(c.admissible, [2]);
    assert.equal(
      c.reason,
      "k = 2: the highest mean silhouette (0.433), with no other k within 0.02 of it (next best k = 3, 0.337); the inertia elbow is at k = 4 (silhouette 0.332) and Davies-Bouldin is lowest at k = 2 (0.891).",
    );
  });

  it("among near-ties, the elbow wins when it is admissible", () => {
    const c = chooseK([candidate(3, 0.35, 1.0), candidate(4, 0.34, 0.9), candidate(5, 0.345, 0.95)], "auto", 5);
    assert.equal(c.k, 5);
    assert.deepEqual(c.admissible, [3, 4, 5]);
    assert.match(
      c.reason,
      /^k = 5: k within 0.02 of the best mean silhouette \(0.350 at k = 3\) are 3, 4 and 5, and the inertia elbow is at k = 5/,
    );
  });

  it("otherwise the lowest Davies-Bouldin among near-ties", () => {
    const c = chooseK([candidate(3, 0.35, 1.0), candidate(4, 0.34, 0.9), candidate(6, 0.2, 0.5)], "auto", 6);
    assert.equal(c.k, 4);
    assert.match(c.reason, /lowest Davies-Bouldin \(0.900\), and the inertia elbow is at k = 6, outside that set\.$/);
  });

  it("a configured k is kept and the reason says what auto would pick", () => {
    const c = chooseK([candidate(2, 0.43, 0.9), candidate(4, 0.33, 1.0)], 4, null);
    assert.equal(c.k, 4);
    assert.equal(c.rule, "config");
    assert.equal(c.auto_k, 2);
    assert.match(c.reason, /set in the configuration .* the automatic rule would pick k = 2\.$/);
  });

  it("never admits an undefined silhouette", () => {
    const c = chooseK([candidate(2, Number.NaN, 0.5), candidate(3, 0.2, 0.9)], "auto", null);
    assert.equal(c.k, 3);
  });
});
