import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { meanOfCum, ordersPerCustomerCum, syntheticChunks, type SyntheticInfo } from "../../bench/synthetic.ts";

function generate(lines: number, seed: number): { text: string; info: SyntheticInfo } {
  const info: SyntheticInfo = { version: 0, seed, lines: 0, customers: 0, invoices: 0 };
  const text = [...syntheticChunks({ lines, seed }, info)].join("");
  return { text, info };
}

test("synthetic: exactly the requested lines under the Online Retail header, ~1 customer per 10 lines", () => {
  const { text, info } = generate(20_000, 3);
  const lines = text.trimEnd().split("\n");
  assert.equal(lines[0], "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country");
  assert.equal(lines.length - 1, 20_000);
  assert.equal(info.lines, 20_000);
  const ids = new Set(
    lines
      .slice(1)
      .map((l) => l.split(",").at(-2))
      .filter(Boolean),
  );
  assert.equal(ids.size, info.customers);
  assert.ok(info.customers > 1_700 && info.customers < 2_100, `customers ${info.customers}`);
  assert.ok(
    lines.some((l) => l.startsWith("C")),
    "has cancellations",
  );
  assert.ok(
    lines.some((l) => /,,United Kingdom$/.test(l)),
    "has guest lines without a customer",
  );
});

test("synthetic: the same seed gives the same bytes, another seed other bytes", () => {
  const hash = (seed: number) => createHash("sha256").update(generate(5_000, seed).text).digest("hex");
  assert.equal(hash(1), hash(1));
  assert.notEqual(hash(1), hash(2));
});

test("orders per customer: 1..100, mean about 1.8", () => {
  const cum = ordersPerCustomerCum();
  assert.equal(cum.length, 100);
  assert.ok(Math.abs(meanOfCum(cum) - 1.8) < 0.05);
});
