/**
 * The navigation (loaders/site/navigation.ts): the registry's pages the data can fill, the analysts' own pages
 * placed by their front matter, and the capabilities file the prepare step writes.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import {
  ALL_CAPABILITIES,
  capabilitiesFile,
  capabilitiesOf,
  readCapabilitiesFile,
  satisfies,
} from "../../loaders/capabilities.ts";
import { omittedPages, omittedSections } from "../../loaders/report/registry.ts";
import { analystPage, analystPages, preparedCapabilities, siteNavigation } from "../../loaders/site/navigation.ts";
import { lineCapabilities } from "../../loaders/sources/capabilities.ts";
import { tableCapabilities } from "../../loaders/pipeline/customers.ts";

const paths = (nav: { path: string }[]) => nav.map((p) => p.path);

/** Online Retail's columns (no channel, store or customer table). */
const RETAIL = lineCapabilities([
  "invoice",
  "stock_code",
  "description",
  "quantity",
  "invoice_date",
  "unit_price",
  "customer_id",
  "country",
]);
/** marketing_campaign as test/fixtures/customers/marketing.config.json maps it. */
const MARKETING = tableCapabilities({
  customer_id: "ID",
  recency: "Recency",
  monetary: ["MntWines"],
  frequency: ["NumWebPurchases"],
  responses: ["Response"],
  features: ["Income"],
  signup_date: "Dt_Customer",
  birth_year: "Year_Birth",
  country: null,
});

describe("capabilities", () => {
  test("a need is met by every listed capability, a list by any one of it", () => {
    const caps = capabilitiesOf(["transactions", "stores"]);
    assert.equal(satisfies(caps, []), true);
    assert.equal(satisfies(caps, ["transactions"]), true);
    assert.equal(satisfies(caps, ["transactions", "countries"]), false);
    assert.equal(satisfies(caps, [["channels", "stores"]]), true);
    assert.equal(satisfies(caps, [["channels", "demographics"]]), false);
  });

  test("line inputs hold what their columns give; a customer table holds no lines", () => {
    assert.equal(RETAIL.has.transactions, true);
    assert.equal(RETAIL.has.products && RETAIL.has.descriptions && RETAIL.has.categories, true);
    assert.equal(RETAIL.has.countries, true);
    assert.equal(RETAIL.has.channels || RETAIL.has.stores || RETAIL.has.demographics, false);
    const bare = lineCapabilities(["customer_id", "invoice_date", "amount"]);
    assert.equal(bare.has.products || bare.has.countries || bare.has.invoices || bare.has.quantities, false);
    const tables = lineCapabilities(["customer_id", "invoice_date", "amount", "channel"], ["age_range", "signup_date"]);
    assert.deepEqual(tables.demographics, ["age_range"]);
    assert.equal(tables.has.signup_dates && tables.has.channels, true);
    assert.equal(MARKETING.has.transactions || MARKETING.has.products || MARKETING.has.countries, false);
    assert.equal(MARKETING.has.responses && MARKETING.has.signup_dates && MARKETING.has.customer_parts, true);
  });

  test("capabilities.json round-trips, and no prepared data means every page", () => {
    assert.deepEqual(readCapabilitiesFile(JSON.parse(JSON.stringify(capabilitiesFile(RETAIL)))), RETAIL);
    assert.deepEqual(preparedCapabilities(null), ALL_CAPABILITIES);
    const dir = mkdtempSync(join(tmpdir(), "caps-"));
    try {
      writeFileSync(join(dir, "capabilities.json"), JSON.stringify(capabilitiesFile(MARKETING)));
      assert.deepEqual(preparedCapabilities(dir), MARKETING);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});

describe("the registry's pages by what the data holds", () => {
  test("Online Retail and the demo data: no channels page", () => {
    assert.deepEqual(paths(siteNavigation(RETAIL, [])), [
      "/",
      "/segments",
      "/rfm",
      "/behaviour",
      "/geography",
      "/products",
      "/value",
      "/strategy",
      "/methodology",
    ]);
    assert.deepEqual(omittedPages(RETAIL), [
      {
        page: "Channels and customers",
        reason: "the data has no sales channel, demographic columns, store column or signup dates",
      },
    ]);
  });

  test("marketing_campaign: no geography, products or channels page", () => {
    assert.deepEqual(paths(siteNavigation(MARKETING, [])), [
      "/",
      "/segments",
      "/rfm",
      "/behaviour",
      "/strategy",
      "/methodology",
    ]);
    assert.deepEqual(
      omittedPages(MARKETING).map((o) => o.page),
      ["Geography", "Products", "Channels and customers", "Customer value"],
    );
  });

  test("a channel column brings the channels page back", () => {
    const caps = lineCapabilities(["customer_id", "invoice_date", "amount", "channel"]);
    assert.ok(paths(siteNavigation(caps, [])).includes("/audience"));
  });

  test("a section the data cannot fill is one line in 'what this data cannot show', not a note on its page", () => {
    const caps = lineCapabilities(["customer_id", "invoice_date", "amount", "channel"]);
    assert.deepEqual(omittedSections(caps), [
      { page: "Channels and customers, Who the customers are", reason: "the data has no demographic columns" },
      { page: "Channels and customers, From signup to first order", reason: "the data has no signup dates" },
      { page: "Channels and customers, Stores per customer", reason: "the data has no store column" },
    ]);
    // line data: a customer table's own sections do not apply, nothing is missing
    assert.deepEqual(omittedSections(RETAIL), []);
    // a customer table without response columns: its line sections and the responses, each once
    const noResponses = tableCapabilities({
      customer_id: "ID",
      recency: "Recency",
      monetary: ["MntWines"],
      frequency: ["NumWebPurchases"],
      responses: [],
      features: [],
      signup_date: null,
      birth_year: null,
      country: null,
    });
    const lines = omittedSections(noResponses).map((o) => `${o.page}: ${o.reason}`);
    assert.deepEqual(lines, [
      "Purchase behaviour, Campaign responses: the data has no campaign responses",
      ...["Basket size", "Order value", "Returns", "Time between orders", "When orders come in", "Monthly revenue"].map(
        (name) => `Purchase behaviour, ${name}: the data has no dated transaction lines`,
      ),
    ]);
    assert.equal(new Set(lines).size, lines.length);
  });
});

describe("analysts' own pages", () => {
  test("front matter: title, nav after (flow and block), nav false; else the first heading", () => {
    assert.deepEqual(analystPage("repeat", "---\ntitle: Repeat buyers\nnav: {after: rfm}\n---\n\n# Other\n"), {
      id: "repeat",
      title: "Repeat buyers",
      after: "rfm",
      listed: true,
    });
    assert.deepEqual(analystPage("a", '---\ntitle: "A: quoted"\nnav:\n  after: "index"\n---\n'), {
      id: "a",
      title: "A: quoted",
      after: "",
      listed: true,
    });
    assert.deepEqual(analystPage("draft", "---\nnav: false\n---\n# Draft page\n"), {
      id: "draft",
      title: "Draft page",
      after: null,
      listed: false,
    });
    assert.deepEqual(analystPage("plain", "no front matter\n"), {
      id: "plain",
      title: "plain",
      after: null,
      listed: true,
    });
  });

  test("placed after their page, after the nearest page before a page left out, or last", () => {
    const dir = mkdtempSync(join(tmpdir(), "pages-"));
    try {
      mkdirSync(join(dir, "segment"));
      const page = (name: string, text: string) => writeFileSync(join(dir, name), text);
      page("index.md", "# registry page\n");
      page("rfm.md", "# registry page\n");
      page("b-repeat.md", "---\ntitle: Repeat buyers\nnav: {after: rfm}\n---\n");
      page("a-cohorts.md", "---\ntitle: Cohorts\nnav: {after: rfm}\n---\n");
      page("channels-deep.md", "---\ntitle: Channel detail\nnav: {after: audience}\n---\n");
      page("last.md", "# Last words\n");
      page("_partial.md", "# not a page\n");
      page("draft.md", "---\nnav: false\n---\n");
      writeFileSync(join(dir, "segment", "[segment].md"), "# per segment\n");
      const extra = analystPages(dir);
      assert.deepEqual(
        extra.map((p) => p.id),
        ["a-cohorts", "b-repeat", "channels-deep", "draft", "last"],
      );
      const nav = siteNavigation(RETAIL, extra);
      assert.deepEqual(paths(nav), [
        "/",
        "/segments",
        "/rfm",
        "/a-cohorts",
        "/b-repeat",
        "/behaviour",
        "/geography",
        "/products",
        "/channels-deep",
        "/value",
        "/strategy",
        "/methodology",
        "/last",
      ]);
      assert.equal(nav[3].name, "Cohorts");
      assert.equal(nav.at(-1)?.name, "Last words");
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});
