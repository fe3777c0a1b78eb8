/** Our typed-array PCA against ml-pca: the same explained variance and the same components (up to sign). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { PCA } from "ml-pca";
import { fromColumns } from "../../loaders/cluster/matrix.ts";
import { pca2d } from "../../loaders/cluster/pca.ts";
import { Rng } from "../../loaders/stats/random.ts";

test("explained variance ratios and loadings agree with ml-pca to 1e-9", () => {
  const rng = new Rng(5);
  const n = 400;
  const a = Float64Array.from({ length: n }, () => rng.next() * 4);
  const b = Float64Array.from(a, (x) => 0.6 * x + rng.next());
  const c = Float64Array.from({ length: n }, () => rng.next() * 0.5);
  const X = fromColumns([a, b, c]);
  const ours = pca2d(X, ["a", "b", "c"]);
  const rows = Array.from({ length: n }, (_, i) => [a[i], b[i], c[i]]);
  const theirs = new PCA(rows, { center: true, scale: false });
  const ratios = theirs.getExplainedVariance();
  ratios.forEach((ratio, i) =>
    assert.ok(
      Math.abs(ratio - ours.explained_variance[i]) < 1e-9,
      `component ${i}: ${ratio} vs ${ours.explained_variance[i]}`,
    ),
  );
  const loadings = theirs.getLoadings().to2DArray();
  for (let i = 0; i < 2; i++) {
    const sign = Math.sign(loadings[i].reduce((s, v, j) => s + v * ours.loadings[i][j], 0));
    loadings[i].forEach((v, j) => assert.ok(Math.abs(sign * v - ours.loadings[i][j]) < 1e-9, `loading ${i},${j}`));
  }
  // the projected points are the scores on those components
  const scores = theirs.predict(rows.slice(0, 10)).to2DArray();
  for (let i = 0; i < 10; i++) {
    const sign = Math.sign(loadings[0].reduce((s, v, j) => s + v * ours.loadings[0][j], 0));
    assert.ok(Math.abs(sign * scores[i][0] - ours.points[2 * i]) < 1e-4, `point ${i}`); // points are Float32
  }
});
