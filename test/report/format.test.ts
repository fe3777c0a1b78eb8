/** The narrative's number formatting (loaders/report/format.ts), each case worked out by hand. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  DAY_NAMES,
  formatHourRange,
  formatInt,
  formatMoney,
  formatMonth,
  formatMultiple,
  formatNumber,
  formatP,
  formatPercent,
} from "../../loaders/report/format.ts";

describe("format", () => {
  it("percentages: one decimal, '<0.1%' for a tiny positive share, zero as 0.0%", () => {
    assert.equal(formatPercent(0.1234), "12.3%");
    assert.equal(formatPercent(1), "100.0%");
    assert.equal(formatPercent(0.0004), "<0.1%");
    assert.equal(formatPercent(0.001), "0.1%");
    assert.equal(formatPercent(0), "0.0%");
    assert.equal(formatPercent(0.12345, 2), "12.35%");
    assert.equal(formatPercent(0.00004, 2), "<0.01%");
  });

  it("integers and numbers with thousands separators", () => {
    assert.equal(formatInt(1234567.4), "1,234,567");
    assert.equal(formatInt(1234.5), "1,235");
    assert.equal(formatNumber(1234.56), "1,234.6");
    assert.equal(formatNumber(2, 2), "2.00");
  });

  it("money: compact from 10,000, whole from 100, pennies below, sign before the currency", () => {
    assert.equal(formatMoney(2.5e9), "£2.50bn");
    assert.equal(formatMoney(8_912_345), "£8.91M");
    assert.equal(formatMoney(312_400), "£312k");
    assert.equal(formatMoney(10_233_000), "£10.23M");
    assert.equal(formatMoney(10_000), "£10k");
    assert.equal(formatMoney(9_999.4), "£9,999");
    assert.equal(formatMoney(4_210.4), "£4,210");
    assert.equal(formatMoney(100), "£100");
    assert.equal(formatMoney(12.4), "£12.40");
    assert.equal(formatMoney(-1_500, "$"), "-$1,500");
  });

  it("multiples, p-values, hours, months and day names", () => {
    assert.equal(formatMultiple(2.06), "2.1×");
    assert.equal(formatP(0.0004), "p < 0.001");
    assert.equal(formatP(0.001), "p = 0.001");
    assert.equal(formatP(0.0421), "p = 0.042");
    assert.equal(formatHourRange(9), "09:00 to 10:00");
    assert.equal(formatHourRange(23), "23:00 to 00:00");
    assert.equal(formatMonth("2011-11"), "November 2011");
    assert.equal(formatMonth("2010-01"), "January 2010");
    assert.equal(DAY_NAMES[0], "Monday");
    assert.equal(DAY_NAMES[6], "Sunday");
  });
});
