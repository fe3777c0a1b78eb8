/**
 * The built-in demo data set: determinism, the UCI layout, realistic proportions, the planted dirt, the
 * persona file, ensureDemoData's regeneration rule, the command line, and that K-Means on log1p + standard
 * scaling of RFM finds the planted personas again (adjusted Rand index, computed here).
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { gunzipSync } from "node:zlib";
import { kmeans } from "ml-kmeans";
import { PROJECT_ROOT } from "../../loaders/config.ts";
import { parseDemoArgs } from "../../loaders/cli/demo.ts";
import { csvField, formatPrice } from "../../loaders/demo/csv.ts";
import {
  ensureDemoData,
  generateDemo,
  GENERATOR_VERSION,
  LINES_PER_SCALE,
  NON_PRODUCT_CODES,
  PERIOD_END,
  PERIOD_START,
  PERSONA_NAMES,
  renderDemoFiles,
  summarize,
  TRANSACTIONS_HEADER,
  versionStamp,
} from "../../loaders/demo/index.ts";
import { Rng } from "../../loaders/stats/random.ts";

/** Splits one CSV record (no embedded line breaks in the demo data) into fields, undoing RFC 4180 quoting. */
function parseRecord(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = "";
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        assert.ok(q >= 0, `unterminated quote in ${line}`);
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      fields.push(value);
    } else {
      const comma = line.indexOf(",", i);
      fields.push(line.slice(i, comma < 0 ? line.length : comma));
      i = comma < 0 ? line.length : comma;
    }
    if (i >= line.length) return fields;
    assert.equal(line[i], ",", `expected a comma at ${i} in ${line}`);
    i++;
  }
}

interface Row {
  invoice: string;
  code: string;
  description: string;
  quantity: number;
  date: string;
  price: number;
  customer: string;
  country: string;
  raw: string;
}

function readTransactions(gz: Buffer): { text: string; rows: Row[] } {
  const text = gunzipSync(gz).toString("utf8");
  const lines = text.split("\n");
  assert.equal(lines.pop(), "", "the file ends with a line break");
  assert.equal(lines[0], TRANSACTIONS_HEADER);
  const rows = lines.slice(1).map((raw) => {
    const f = parseRecord(raw);
    assert.equal(f.length, 8, `8 fields in ${raw}`);
    const [invoice, code, description, quantity, date, price, customer, country] = f;
    return { invoice, code, description, date, customer, country, raw, quantity: +quantity, price: +price };
  });
  return { text, rows };
}

/** Adjusted Rand index of two labelings (Hubert & Arabie). */
function adjustedRand(a: readonly string[], b: readonly number[]): number {
  const pairs = (n: number): number => (n * (n - 1)) / 2;
  const cells = new Map<string, number>();
  const rows = new Map<string, number>();
  const cols = new Map<number, number>();
  a.forEach((x, i) => {
    cells.set(`${x}\u0000${b[i]}`, (cells.get(`${x}\u0000${b[i]}`) ?? 0) + 1);
    rows.set(x, (rows.get(x) ?? 0) + 1);
    cols.set(b[i], (cols.get(b[i]) ?? 0) + 1);
  });
  const sum = (m: Map<unknown, number>): number => [...m.values()].reduce((s, n) => s + pairs(n), 0);
  const index = sum(cells);
  const expected = (sum(rows) * sum(cols)) / pairs(a.length);
  const max = (sum(rows) + sum(cols)) / 2;
  return (index - expected) / (max - expected);
}

describe("random", () => {
  test("a seed gives one sequence; another seed another", () => {
    const draw = (seed: number): number[] => {
      const rng = new Rng(seed);
      return Array.from({ length: 5 }, () => rng.uint32());
    };
    assert.deepEqual(draw(1), draw(1));
    assert.notDeepEqual(draw(1), draw(2));
    const rng = new Rng(3);
    for (let i = 0; i < 1000; i++) {
      const x = rng.next();
      assert.ok(x >= 0 && x < 1);
      const k = rng.between(2, 4);
      assert.ok(k >= 2 && k <= 4 && Number.isInteger(k));
    }
  });
});

describe("formatting", () => {
  test("prices as the export writes them", () => {
    assert.equal(formatPrice(255), "2.55");
    assert.equal(formatPrice(210), "2.1");
    assert.equal(formatPrice(1800), "18");
    assert.equal(formatPrice(5), "0.05");
    assert.equal(formatPrice(0), "0");
    assert.equal(formatPrice(1354133), "13541.33");
  });
  test("RFC 4180 quoting only where needed", () => {
    assert.equal(csvField("WHITE METAL LANTERN"), "WHITE METAL LANTERN");
    assert.equal(csvField("TRAY, BREAKFAST IN BED"), '"TRAY, BREAKFAST IN BED"');
    assert.equal(csvField('FRAME 7" SIZE'), '"FRAME 7"" SIZE"');
  });
});

describe("determinism", () => {
  test("the same seed gives byte-identical files; another seed different ones", () => {
    const a = renderDemoFiles(generateDemo({ seed: 7, scale: 0.02 }));
    const b = renderDemoFiles(generateDemo({ seed: 7, scale: 0.02 }));
    const c = renderDemoFiles(generateDemo({ seed: 8, scale: 0.02 }));
    assert.deepEqual(Object.keys(a).sort(), ["VERSION", "personas.csv", "products.csv", "transactions.csv.gz"]);
    for (const name of Object.keys(a)) assert.ok(a[name].equals(b[name]), `${name} differs between two runs`);
    assert.ok(!a["transactions.csv.gz"].equals(c["transactions.csv.gz"]));
    assert.ok(!a["personas.csv"].equals(c["personas.csv"]));
  });
  test("the gzip header carries no name, no time and a fixed OS byte", () => {
    const gz = renderDemoFiles(generateDemo({ seed: 7, scale: 0.01 }))["transactions.csv.gz"];
    assert.deepEqual([...gz.subarray(0, 3)], [0x1f, 0x8b, 8]);
    assert.equal(gz[3], 0, "no FNAME/FEXTRA/FCOMMENT flags");
    assert.equal(gz.readUInt32LE(4), 0, "mtime 0");
    assert.equal(gz[9], 3);
  });
});

describe("a mid-size instance", () => {
  const scale = 0.25;
  const data = generateDemo({ seed: 42, scale });
  const files = renderDemoFiles(data);
  const { text, rows } = readTransactions(files["transactions.csv.gz"]);
  const summary = summarize(data);
  const share = (pred: (r: Row) => boolean): number => rows.filter(pred).length / rows.length;

  test("layout: UCI header and column formats, LF only", () => {
    assert.ok(!text.includes("\r"));
    for (const r of rows) {
      assert.match(r.invoice, /^C?\d{6}$/, r.raw);
      assert.match(r.code, /^(\d{5}[A-G]?|POST|DOT|M|C2|D|BANK CHARGES|AMAZONFEE)$/, r.raw);
      assert.match(r.date, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:00$/, r.raw);
      assert.ok(r.date >= `${PERIOD_START} 00:00:00` && r.date <= `${PERIOD_END} 23:59:59`, r.raw);
      assert.match(r.customer, /^(\d{5})?$/, r.raw);
      assert.ok(Number.isInteger(r.quantity) && r.quantity !== 0, r.raw);
      assert.ok(Number.isFinite(r.price) && r.price >= 0, r.raw);
      assert.ok(r.country.length > 0, r.raw);
    }
    assert.ok(
      rows.some((r) => r.raw.includes('"')),
      "some descriptions need quoting",
    );
    assert.equal(rows.length, summary.lines);
  });

  test("size: lines, customers, invoices per customer", () => {
    assert.ok(Math.abs(rows.length / (LINES_PER_SCALE * scale) - 1) < 0.06, `${rows.length} lines`);
    const customers = new Set(rows.filter((r) => r.customer).map((r) => r.customer));
    assert.equal(customers.size, 1100);
    const invoices = new Map<string, number>();
    for (const r of rows) if (!r.invoice.startsWith("C")) invoices.set(r.invoice, (invoices.get(r.invoice) ?? 0) + 1);
    const perInvoice = [...invoices.values()].sort((a, b) => a - b);
    const median = perInvoice[perInvoice.length >> 1];
    assert.ok(median >= 10 && median <= 25, `median ${median} lines per invoice`);
  });

  test("countries: many, UK-dominated, one per customer (a few with two)", () => {
    const countries = new Set(rows.map((r) => r.country));
    assert.ok(countries.size >= 30, `${countries.size} countries`);
    const uk = share((r) => r.country === "United Kingdom");
    assert.ok(uk > 0.84 && uk < 0.91, `UK share ${uk}`);
    const byCustomer = new Map<string, Set<string>>();
    for (const r of rows) {
      if (r.customer) byCustomer.set(r.customer, (byCustomer.get(r.customer) ?? new Set()).add(r.country));
    }
    const multi = [...byCustomer.values()].filter((s) => s.size > 1).length;
    assert.ok(multi <= byCustomer.size * 0.02, `${multi} customers with more than one country`);
    assert.ok([...byCustomer.values()].every((s) => s.size <= 2));
  });

  test("timestamps: no Saturdays, business hours, busiest around midday, a November peak", () => {
    const weekdays = new Array<number>(7).fill(0);
    const hours = new Array<number>(24).fill(0);
    const months = new Map<string, number>();
    for (const r of rows) {
      weekdays[new Date(`${r.date.slice(0, 10)}T00:00:00Z`).getUTCDay()]++;
      hours[Number(r.date.slice(11, 13))]++;
      months.set(r.date.slice(0, 7), (months.get(r.date.slice(0, 7)) ?? 0) + 1);
    }
    assert.equal(weekdays[6], 0);
    assert.ok(hours.every((n, h) => n === 0 || (h >= 6 && h <= 20)));
    const midday = hours.slice(10, 16).reduce((a, b) => a + b, 0);
    assert.ok(midday / rows.length > 0.6, "most lines between 10:00 and 16:00");
    assert.ok((months.get("2024-11") ?? 0) > 1.5 * (months.get("2024-02") ?? 0), "November busier than February");
  });

  test("quantities and prices: mostly small packs and cheap items, some trade quantities", () => {
    const sales = rows.filter((r) => !r.invoice.startsWith("C") && r.quantity > 0 && /^\d/.test(r.code));
    assert.ok(sales.filter((r) => r.quantity <= 24).length / sales.length > 0.9);
    for (const q of [48, 96, 144])
      assert.ok(
        sales.some((r) => r.quantity === q),
        `quantity ${q}`,
      );
    const prices = sales.filter((r) => r.price > 0).map((r) => r.price);
    assert.ok(prices.filter((p) => p >= 0.4 && p <= 15).length / prices.length > 0.85);
    assert.ok(prices.some((p) => p > 50));
  });

  test("dirt at roughly real proportions", () => {
    const cancellation = share((r) => r.invoice.startsWith("C"));
    assert.ok(cancellation > 0.012 && cancellation < 0.025, `cancellations ${cancellation}`);
    assert.ok(rows.filter((r) => r.invoice.startsWith("C")).every((r) => r.quantity < 0));
    const missing = share((r) => r.customer === "");
    assert.ok(missing > 0.18 && missing < 0.27, `missing customers ${missing}`);
    const zero = rows.filter((r) => r.price === 0).length;
    assert.ok(zero >= 0.0003 * rows.length && zero <= 0.003 * rows.length, `${zero} zero prices`);
    for (const code of NON_PRODUCT_CODES)
      assert.ok(
        rows.some((r) => r.code === code),
        `non-product code ${code}`,
      );
    const adjustments = rows.filter((r) => !r.invoice.startsWith("C") && r.quantity < 0).length;
    assert.ok(adjustments > 0 && adjustments < 0.002 * rows.length, `${adjustments} negative adjustments`);
    const seen = new Set<string>();
    let duplicates = 0;
    for (const r of rows) {
      if (seen.has(r.raw)) duplicates++;
      seen.add(r.raw);
    }
    assert.ok(duplicates > 0.006 * rows.length && duplicates < 0.015 * rows.length, `${duplicates} duplicates`);
    assert.equal(duplicates, summary.dirt.duplicate_lines);
    assert.ok(
      rows.some((r) => r.description === ""),
      "some blank descriptions",
    );
  });

  test("cancellations take back what the customer bought before", () => {
    const bought = new Map<string, string>();
    for (const r of rows) {
      if (!r.customer) continue;
      const key = `${r.customer}\u0000${r.code}`;
      if (!r.invoice.startsWith("C")) {
        if (!bought.has(key)) bought.set(key, r.date);
      } else if (/^\d/.test(r.code)) {
        const first = bought.get(key);
        assert.ok(first !== undefined && first <= r.date, `cancellation without an earlier purchase: ${r.raw}`);
      }
    }
  });

  test("the persona file covers every customer, the product file every product", () => {
    const personaLines = files["personas.csv"].toString("utf8").split("\n");
    assert.equal(personaLines[0], "customer_id,persona");
    assert.equal(personaLines.pop(), "");
    const personas = new Map(personaLines.slice(1).map((l) => l.split(",") as [string, string]));
    const customers = new Set(rows.filter((r) => r.customer).map((r) => r.customer));
    assert.deepEqual([...personas.keys()].sort(), [...customers].sort());
    for (const p of personas.values()) assert.ok((PERSONA_NAMES as readonly string[]).includes(p), p);
    for (const name of PERSONA_NAMES) assert.ok([...personas.values()].filter((p) => p === name).length >= 50, name);

    const productLines = files["products.csv"].toString("utf8").split("\n").slice(1, -1).map(parseRecord);
    assert.ok(productLines.length >= 300 && productLines.length <= 1500);
    const codes = new Set(productLines.map((f) => f[0]));
    assert.equal(codes.size, productLines.length);
    assert.ok(new Set(productLines.map((f) => f[2])).size >= 8, "several categories");
    for (const f of productLines) assert.equal(f[1].trim(), f[1].trim().toUpperCase());
    for (const r of rows) if (/^\d/.test(r.code)) assert.ok(codes.has(r.code), r.code);
  });

  test("K-Means on log1p + standard scaling of RFM finds the personas (ARI >= 0.85)", () => {
    const kept = rows.filter((r) => r.customer && !r.invoice.startsWith("C") && r.quantity > 0 && r.price > 0);
    const lastDate = rows.reduce((max, r) => (r.date > max ? r.date : max), "");
    const snapshot = Date.parse(`${lastDate.slice(0, 10)}T00:00:00Z`) + 86_400_000;
    const rfm = new Map<string, { last: number; invoices: Set<string>; monetary: number }>();
    for (const r of kept) {
      let c = rfm.get(r.customer);
      if (!c) rfm.set(r.customer, (c = { last: 0, invoices: new Set(), monetary: 0 }));
      c.last = Math.max(c.last, Date.parse(`${r.date.slice(0, 10)}T00:00:00Z`));
      c.invoices.add(r.invoice);
      c.monetary += r.quantity * r.price;
    }
    const ids = [...rfm.keys()];
    const x = ids.map((id) => {
      const c = rfm.get(id)!;
      return [Math.log1p((snapshot - c.last) / 86_400_000), Math.log1p(c.invoices.size), Math.log1p(c.monetary)];
    });
    for (let j = 0; j < 3; j++) {
      const mean = x.reduce((s, v) => s + v[j], 0) / x.length;
      const sd = Math.sqrt(x.reduce((s, v) => s + (v[j] - mean) ** 2, 0) / x.length);
      for (const v of x) v[j] = (v[j] - mean) / sd;
    }
    const truth = new Map(data.customers.map((c) => [String(c.id), c.persona as string]));
    let best = { inertia: Infinity, clusters: [] as number[] };
    for (let seed = 1; seed <= 8; seed++) {
      const result = kmeans(x, PERSONA_NAMES.length, { initialization: "kmeans++", seed, maxIterations: 300 });
      const distance = (i: number, c: number): number =>
        x[i].reduce((q, v, j) => q + (v - result.centroids[c][j]) ** 2, 0);
      const inertia = result.clusters.reduce((s, c, i) => s + distance(i, c), 0);
      if (inertia < best.inertia) best = { inertia, clusters: result.clusters };
    }
    const ari = adjustedRand(
      ids.map((id) => truth.get(id)!),
      best.clusters,
    );
    assert.ok(ari >= 0.85, `ARI ${ari.toFixed(3)}`);
  });
});

describe("ensureDemoData", () => {
  const dir = mkdtempSync(join(tmpdir(), "segment-demo-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("generates missing files from the stamp's seed and scale, then leaves them alone", async () => {
    writeFileSync(join(dir, "VERSION"), versionStamp(5, 0.01));
    const path = await ensureDemoData(dir);
    assert.equal(path, join(dir, "transactions.csv.gz"));
    const first = readFileSync(path);
    assert.ok(first.equals(renderDemoFiles(generateDemo({ seed: 5, scale: 0.01 }))["transactions.csv.gz"]));
    const mtime = statSync(path).mtimeMs;
    await ensureDemoData(dir);
    assert.equal(statSync(path).mtimeMs, mtime, "up-to-date files are not rewritten");
  });

  test("regenerates when the stamp is from another generator version", async () => {
    const other = versionStamp(5, 0.01).replace(`v${GENERATOR_VERSION}`, `v${GENERATOR_VERSION + 100}`);
    writeFileSync(join(dir, "VERSION"), other);
    writeFileSync(join(dir, "transactions.csv.gz"), "stale");
    await ensureDemoData(dir);
    assert.equal(readFileSync(join(dir, "VERSION"), "utf8"), versionStamp(5, 0.01));
    assert.notEqual(readFileSync(join(dir, "transactions.csv.gz"), "utf8"), "stale");
  });
});

describe("npm run demo arguments", () => {
  test("defaults, options and errors", () => {
    const defaults = parseDemoArgs([], "/somewhere");
    assert.equal(defaults.seed, 42);
    assert.equal(defaults.scale, 1);
    assert.match(defaults.out, /data[/\\]demo$/);
    const set = parseDemoArgs(["--out", "x", "--seed=9", "--lines", String(LINES_PER_SCALE / 10)], "/somewhere");
    assert.deepEqual(set, { out: join("/somewhere", "x"), seed: 9, scale: 0.1, shop: false });
    const shop = parseDemoArgs(["--shop"], "/somewhere");
    assert.deepEqual(shop, { out: join(PROJECT_ROOT, "data", "demo-shop"), seed: 42, scale: 0.05, shop: true });
    assert.throws(() => parseDemoArgs(["--seed", "x"], "/"), /--seed should be an integer/);
    assert.throws(() => parseDemoArgs(["--lines", "-5"], "/"), /--lines/);
    assert.throws(() => parseDemoArgs(["--nope"], "/"), /unknown option/);
  });
});
