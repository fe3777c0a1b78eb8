import assert from "node:assert/strict";
import { test } from "node:test";
import { compareInertia, compareRfm, parseCsv, rfmTable } from "../../bench/compare.ts";

test("parseCsv: quoted fields with commas, doubled quotes and line breaks; CRLF; no trailing empty row", () => {
  assert.deepEqual(parseCsv('a,b\r\n1,"x, ""y""\nz"\n2,\n'), [
    ["a", "b"],
    ["1", 'x, "y"\nz'],
    ["2", ""],
  ]);
  assert.deepEqual(parseCsv("a,b"), [["a", "b"]]);
});

const rows = (text: string) => rfmTable(parseCsv(text), "test");

test("compareRfm: identical tables pass; monetary may differ in the last bits of float summation", () => {
  const ref = rows("customer_id,recency,frequency,monetary\n12346,326,1,77183.6\n12347,3,7,4310.0\n");
  const ours = rows(
    "customer_id,recency,frequency,monetary,country\n12347,3,7,4310.000000000001,Iceland\n12346,326,1,77183.6,United Kingdom\n",
  );
  const check = compareRfm(ours, ref);
  assert.equal(check.pass, true, check.detail);
  assert.match(check.detail, /bit-identical 1\/2/);
});

test("compareRfm: a missing customer, another recency or a cent of monetary fails, with examples", () => {
  const ref = rows("customer_id,recency,frequency,monetary\n1,5,2,10.5\n2,3,1,7\n3,1,1,1\n");
  const ours = rows("customer_id,recency,frequency,monetary\n1,6,2,10.5\n2,3,1,7.01\n");
  const check = compareRfm(ours, ref);
  assert.equal(check.pass, false);
  assert.match(check.detail, /1 missing \(e\.g\. 3\)/);
  assert.match(check.detail, /recency differs 1, frequency 0, monetary 1/);
  assert.match(check.detail, /1: recency 6 vs 5/);
});

test("rfmTable: the first four columns must be customer_id, recency, frequency, monetary", () => {
  assert.throws(() => rows("id,recency,frequency,monetary\n1,1,1,1\n"), /expected the first columns/);
});

test("compareInertia: lower is fine, above the tolerance or missing fails", () => {
  const ref = { "2": { inertia: 100 }, "3": { inertia: 50 }, "4": { inertia: 40 } };
  const ok = compareInertia(
    [
      { k: 2, inertia: 99 },
      { k: 3, inertia: 50.04 },
      { k: 4, inertia: 40 },
    ],
    ref,
  );
  assert.equal(ok.check.pass, true, ok.check.detail);
  const bad = compareInertia(
    [
      { k: 2, inertia: 100.2 },
      { k: 3, inertia: 50 },
    ],
    ref,
  );
  assert.equal(bad.check.pass, false);
  assert.match(bad.check.detail, /k 2 \(1\.00200\), 4 \(missing\)/);
  assert.deepEqual(
    bad.rows.map((r) => r.pass),
    [false, true, false],
  );
});
