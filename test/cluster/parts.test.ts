/**
 * Clustering parts without a test of their own: the k-d tree DBSCAN queries (loaders/cluster/kdtree.ts) against a
 * brute-force scan written here, the per-feature separation tests (cluster/validation.ts) against scipy's f_oneway
 * and kruskal (values printed by the python3 line beside them), and the nearest-centre assignment model.json uses
 * (model/assign.ts) on a hand-worked case.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildKdTree, forEachWithin, kthNeighbourDistance } from "../../loaders/cluster/kdtree.ts";
import type { Matrix } from "../../loaders/cluster/matrix.ts";
import { featureTests } from "../../loaders/cluster/validation.ts";
import type { FeatureSet } from "../../loaders/cluster/features.ts";
import { assignmentOf, assignPoints } from "../../loaders/model/assign.ts";
import { Rng } from "../../loaders/stats/random.ts";

/** n rows of d columns: Gaussian blobs rounded to a grid (many exact ties and duplicate points). */
function points(n: number, d: number, seed: number): Matrix {
  const rng = new Rng(seed);
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++)
    for (let c = 0; c < d; c++) data[i * d + c] = Math.round(((i % 3) * 2 + rng.normal()) * 4) / 4;
  return { data, rows: n, cols: d };
}

const sq = (X: Matrix, i: number, j: number) => {
  let s = 0;
  for (let c = 0; c < X.cols; c++) s += (X.data[i * X.cols + c] - X.data[j * X.cols + c]) ** 2;
  return s;
};

describe("k-d tree", () => {
  for (const [n, d] of [
    [700, 2],
    [300, 5],
    [10, 3],
  ])
    it(`finds the same neighbours as a brute-force scan (${n} points, ${d} columns, ties on a grid)`, () => {
      const X = points(n, d, n + d);
      const tree = buildKdTree(X);
      for (let qi = 0; qi < n; qi += 7)
        for (const r2 of [0, 0.0625, 0.5, 2]) {
          const seen: number[] = [];
          const count = forEachWithin(tree, X.data, qi, r2, (row) => seen.push(row));
          const want: number[] = [];
          for (let j = 0; j < n; j++) if (sq(X, qi, j) <= r2) want.push(j);
          assert.deepEqual(
            seen.sort((a, b) => a - b),
            want,
            `row ${qi} radius² ${r2}`,
          );
          assert.equal(count, want.length);
        }
      for (let qi = 0; qi < n; qi += 11)
        for (const k of [1, 2, 5, Math.min(n, 20)]) {
          const all = Array.from({ length: n }, (_, j) => sq(X, qi, j)).sort((a, b) => a - b);
          assert.equal(kthNeighbourDistance(tree, X.data, qi, k), Math.sqrt(all[k - 1]), `row ${qi} k ${k}`);
        }
    });

  it("queries a point that is not in the tree; an empty tree has no neighbours", () => {
    const X = points(200, 2, 3);
    const tree = buildKdTree(X);
    const Q = Float64Array.of(100, 100, 0.3, -0.2);
    const all = Array.from({ length: 200 }, (_, j) => (X.data[2 * j] - 0.3) ** 2 + (X.data[2 * j + 1] + 0.2) ** 2);
    assert.equal(kthNeighbourDistance(tree, Q, 1, 3), Math.sqrt(all.sort((a, b) => a - b)[2]));
    assert.equal(forEachWithin(tree, Q, 0, 1, null), 0);
    assert.equal(forEachWithin(buildKdTree({ data: new Float64Array(0), rows: 0, cols: 2 }), Q, 0, 1, null), 0);
  });
});

describe("featureTests", () => {
  it("gives scipy's F, Kruskal-Wallis H and their p-values, and eta squared, per feature", () => {
    // python3 -c "from scipy import stats; print(stats.f_oneway([1,2,3,2.5],[4,5,6.5],[2,9,7,8,7.5]),
    //   stats.kruskal(...))" and the same for [10,20,30,20], [5,5,6], [1,2,3,2,1] (scipy 1.10.1);
    // eta squared = between-group / total sum of squares (numpy)
    const groups = [
      [
        [1, 2, 3, 2.5],
        [4, 5, 6.5],
        [2, 9, 7, 8, 7.5],
      ],
      [
        [10, 20, 30, 20],
        [5, 5, 6],
        [1, 2, 3, 2, 1],
      ],
    ];
    // rows interleaved, so that a test grouping by position would fail
    const order = [0, 1, 2, 0, 2, 1, 0, 2, 2, 1, 0, 2];
    const next = [0, 0, 0];
    const rows = order.map((g) => [groups[0][g][next[g]], groups[1][g][next[g]++]]);
    const data = Float64Array.from(rows.flat());
    const features = { matrix: { data, rows: 12, cols: 2 }, used: ["recency", "frequency"] } as unknown as FeatureSet;
    const [a, b] = featureTests(features, { labels: Int32Array.from(order), k: 3 });
    const close = (got: number, want: number, what: string) =>
      assert.ok(Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want)), `${what}: ${got} vs ${want}`);
    assert.equal(a.feature, "recency");
    close(a.F, 6.025957093753702, "F");
    close(a.p, 0.02184133261730716, "p");
    close(a.H, 5.798157894736842, "H");
    close(a.p_kw, 0.05507392268434818, "p KW");
    close(a.eta_squared, 0.5724854319736509, "eta²");
    assert.equal(b.feature, "frequency");
    close(b.F, 17.312540956749668, "F");
    close(b.p, 0.0008227694222961679, "p");
    close(b.H, 9.829787234042554, "H (ties corrected)");
    close(b.p_kw, 0.007336498329445946, "p KW");
    close(b.eta_squared, 0.7936966624419097, "eta²");
  });
});

describe("assignPoints (model.json's nearest centre)", () => {
  it("assigns each row to the nearest centre, the first on a tie, with the distance to it", () => {
    const assignment = assignmentOf("kmeans", [
      [0, 0],
      [4, 0],
      [0, 3],
    ]);
    assert.deepEqual(assignment, {
      kind: "nearest_centre",
      centres: [
        [0, 0],
        [4, 0],
        [0, 3],
      ],
    });
    // (2, 0) is 2 from the first two centres: the first wins; (3, 4) is sqrt(17) from (4,0) and 3.16 from (0,3)
    const X = { data: Float64Array.of(2, 0, 5, 1, 3, 4, -1, -1, 0, 1.5), rows: 5, cols: 2 };
    const { labels, distances } = assignPoints(assignment, X);
    assert.deepEqual([...labels], [0, 1, 2, 0, 0]);
    const want = [2, Math.sqrt(2), Math.sqrt(10), Math.sqrt(2), 1.5];
    distances.forEach((got, i) => assert.ok(Math.abs(got - want[i]) < 1e-12, `row ${i}: ${got} vs ${want[i]}`));
  });
});
