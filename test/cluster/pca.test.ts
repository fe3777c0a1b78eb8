import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fixSign, pca2d, symmetricEigen } from "../../loaders/cluster/pca.ts";
import { close, expected, points } from "../fixtures/segment/expected.ts";

describe("PCA", () => {
  const result = pca2d(points(), ["x", "y", "z"]);
  it("explained variance ratios match scikit-learn", () => {
    result.explained_variance.forEach((r, i) => assert.ok(close(r, expected.pca.explained_variance_ratio[i], 1e-10)));
    assert.ok(
      close(
        result.explained_variance.reduce((a, b) => a + b, 0),
        1,
        1e-12,
      ),
    );
  });
  it("components match scikit-learn up to sign; the largest loading is positive", () => {
    result.loadings.forEach((v, i) => {
      const ref = expected.pca.components[i];
      const dot = v.reduce((a, x, j) => a + x * ref[j], 0);
      assert.ok(close(Math.abs(dot), 1, 1e-9));
      const largest = v.reduce((a, x) => (Math.abs(x) > Math.abs(a) ? x : a), 0);
      assert.ok(largest > 0);
    });
  });
  it("projects each customer onto the first two components", () => {
    assert.equal(result.points.length, 2 * 150);
    for (let i = 0; i < 5; i++)
      for (let c = 0; c < 2; c++) {
        const sign = Math.sign(result.loadings[c].reduce((a, x, j) => a + x * expected.pca.components[c][j], 0));
        assert.ok(Math.abs(result.points[2 * i + c] - sign * expected.pca.projection[i][c]) < 1e-5);
      }
  });
  it("eigen-decomposes a known symmetric matrix", () => {
    const { values, vectors } = symmetricEigen([
      [2, 1],
      [1, 2],
    ]);
    assert.ok(close(values[0], 3, 1e-12) && close(values[1], 1, 1e-12));
    assert.ok(close(Math.abs(vectors[0][0]), Math.SQRT1_2, 1e-12));
    assert.deepEqual(fixSign([-0.2, -0.9, 0.1]), [0.2, 0.9, -0.1]);
  });
});
