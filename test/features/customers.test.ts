import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { DEFAULT_CONFIG, FEATURE_NAMES, PROJECT_ROOT, validateConfig, type Config } from "../../loaders/config.ts";
import { addDays, snapshotDate } from "../../loaders/features/customers.ts";
import { ingest } from "../../loaders/pipeline/ingest.ts";
import type { CustomerFeatures } from "../../loaders/types.ts";

const REASONS = join(PROJECT_ROOT, "test", "fixtures", "ingest", "reasons.csv");

function configFor(file: string, patch: Partial<Config> = {}): Config {
  const base = structuredClone(DEFAULT_CONFIG);
  return validateConfig({ ...base, ...patch, data: file, data_source: "override", config_file: null });
}

async function features(patch: Partial<Config> = {}): Promise<CustomerFeatures[]> {
  const result = await ingest(configFor(REASONS, patch));
  result.close();
  return result.customers;
}

function close(actual: number, expected: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected)),
    `${what}: ${actual} != ${expected}`,
  );
}

describe("snapshot day", () => {
  it("is the day after the last purchase unless configured", () => {
    assert.equal(snapshotDate(null, "2011-12-09"), "2011-12-10");
    assert.equal(snapshotDate("2012-01-01", "2011-12-09"), "2012-01-01");
    assert.equal(snapshotDate("2011-12-09", "2011-12-09"), "2011-12-09");
    assert.throws(() => snapshotDate("2011-12-08", "2011-12-09"), { name: "InputError" });
  });
  it("adds days across months and leap days", () => {
    assert.equal(addDays("2011-12-31", 1), "2012-01-01");
    assert.equal(addDays("2012-02-28", 1), "2012-02-29");
    assert.equal(addDays("2012-03-01", -1), "2012-02-29");
  });
});

describe("customer features (reasons.csv)", () => {
  it("computes every feature from the kept lines and the returns", async () => {
    const customers = await features();
    assert.deepEqual(
      customers.map((c) => c.customer_id),
      ["12583", "13047", "17850"],
    );
    const [c12583, c13047, c17850] = customers;
    // 12583: one invoice with two (repeated) kept lines of 24 x 3.75; postage and voucher dropped
    assert.deepEqual(
      { ...c12583, monetary: 0, avg_order_value: 0 },
      {
        customer_id: "12583",
        recency: 8,
        frequency: 1,
        monetary: 0,
        first_purchase: "2010-12-02",
        last_purchase: "2010-12-02",
        tenure: 8,
        avg_order_value: 0,
        items_per_order: 48,
        return_rate: 0,
        country: "France",
      },
    );
    close(c12583.monetary, 180, "monetary");
    close(c12583.avg_order_value, 180, "avg_order_value");
    // 13047: two invoices (Germany on 12-09, UK on 12-05): a country tie goes to the alphabetical first
    assert.equal(c13047.recency, 1);
    assert.equal(c13047.tenure, 5);
    assert.equal(c13047.frequency, 2);
    close(c13047.monetary, 12.75 + 4 * 2.55, "monetary");
    close(c13047.avg_order_value, (12.75 + 4 * 2.55) / 2, "avg_order_value");
    assert.equal(c13047.items_per_order, 2.5);
    assert.equal(c13047.country, "Germany");
    assert.equal(c13047.return_rate, 0);
    // 17850: 12 units bought; the cancellation returns 2 of a code never bought here, so it matches nothing
    assert.equal(c17850.recency, 9);
    assert.equal(c17850.frequency, 1);
    close(c17850.monetary, 6 * 2.55 + 6 * 3.39, "monetary");
    assert.equal(c17850.return_rate, 0);
    assert.equal(c17850.first_purchase, "2010-12-01");
  });

  it("measures recency and tenure from a configured snapshot", async () => {
    const customers = await features({ snapshot_date: "2011-01-01" });
    assert.deepEqual(
      customers.map((c) => [c.customer_id, c.recency, c.tenure]),
      [
        ["12583", 30, 30],
        ["13047", 23, 27],
        ["17850", 31, 31],
      ],
    );
  });

  it("has plain numbers and strings only", async () => {
    for (const c of await features()) {
      for (const key of FEATURE_NAMES) assert.equal(typeof c[key], "number", key);
      for (const key of ["customer_id", "first_purchase", "last_purchase", "country"] as const)
        assert.equal(typeof c[key], "string", key);
    }
  });
});
