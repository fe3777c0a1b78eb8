import assert from "node:assert/strict";
import { test } from "node:test";
import { progressPrinter } from "../../loaders/pipeline/progress.ts";

test("progress lines appear once a run passes two seconds, or always with SEGMENT_PROGRESS=1", () => {
  const lines: string[] = [];
  const quiet = progressPrinter("segment", {}, (line) => lines.push(line));
  quiet("features", 150);
  assert.equal(lines.length, 0);
  quiet("k-means k = 7 (10 restarts) and metrics", 2500);
  assert.deepEqual(lines, ["[segment] k-means k = 7 (10 restarts) and metrics done after 2.5 s\n"]);
  const verbose = progressPrinter("segment", { SEGMENT_PROGRESS: "1" }, (line) => lines.push(line));
  verbose("rfm", 40);
  assert.equal(lines.at(-1), "[segment] rfm done after 0.0 s\n");
});
