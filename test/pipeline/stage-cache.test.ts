/**
 * The build's stage cache (pipeline/stage-cache.ts) and the migration's earlier cut without a second read
 * (pipeline/ingest.ts customersBefore):
 * - the ingest key covers every setting ingest reads: each source, revenue and cleaning setting changes it; ingest
 *   run on a configuration that records what is read reads nothing else; settings of later stages leave it alone;
 * - the key of the stages after the segmentation (value, model, time) covers the settings they read: their own
 *   sections and the segmentation's key; run on a recording configuration they read nothing else;
 * - the report data is the same with the cache as without it: stored, taken back, and after a k change (the ingest,
 *   the k search and the report's tables taken from the cache, the rest of the segmentation computed) or a change
 *   of a report setting (value, model and time taken back as well);
 * - the cache is bounded and removes only its own folders;
 * - the earlier cut's customers equal a second ingest's, under several cleaning policies.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { loadConfig, PROJECT_ROOT, type Config } from "../../loaders/config.ts";
import { configSchema, DEFAULT_CONFIG } from "../../loaders/config/schema.ts";
import { customersBefore, ingest } from "../../loaders/pipeline/ingest.ts";
import { computeReport } from "../../loaders/pipeline/index.ts";
import { segmentCustomers } from "../../loaders/pipeline/segment.ts";
import { analyseTime } from "../../loaders/pipeline/time.ts";
import { valueStage } from "../../loaders/pipeline/value.ts";
import { buildModel } from "../../loaders/model/build.ts";
import {
  entries,
  INGEST_ORIGIN,
  INGEST_SETTINGS,
  ingestKey,
  KEEP,
  LATER_SETTINGS,
  laterKey,
  SEGMENT_SETTINGS,
  searchKey,
  segmentKey,
  type StageCache,
} from "../../loaders/pipeline/stage-cache.ts";

const WORK = join(PROJECT_ROOT, "test-output", "stage-cache");
rmSync(WORK, { recursive: true, force: true });
mkdirSync(WORK, { recursive: true });
after(() => rmSync(WORK, { recursive: true, force: true }));

/** Settings of stages after ingest (they must not be in its key, or a change of them would read the file again). */
const LATER = ["rfm", "clustering", "report", "value", "migration", "drift"] as const;
const TODAY = new Date("2026-06-01T12:00:00Z");

/**
 * A year of lines for 30 customers, with what cleaning acts on: cancellations of earlier purchases (some before,
 * some after mid-year), exact repeats, a postage line, lines without a customer, a zero price.
 */
function writeLines(path: string): void {
  const rows = ["InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country"];
  let invoice = 500000;
  const purchases: string[][] = [];
  for (let day = 0; day < 360; day += 3) {
    const date = new Date(Date.UTC(2011, 0, 1 + day, 10 + (day % 7))).toISOString().slice(0, 19).replace("T", " ");
    const customer = 12000 + ((day * 7) % 30);
    const country = customer % 4 === 0 ? "Germany" : "United Kingdom";
    invoice++;
    for (let item = 0; item < 1 + (day % 3); item++) {
      const row = [
        `${invoice}`,
        `2${(day + item) % 50}A`,
        "ITEM",
        `${1 + ((day + item) % 9)}`,
        date,
        `${(1 + (day % 5)) * 1.25}`,
        `${customer}`,
        country,
      ];
      rows.push(row.join(","));
      purchases.push(row);
      if (day % 33 === 0) rows.push(row.join(",")); // an exact repeat
    }
    if (day % 9 === 0 && purchases.length > 4) {
      const p = purchases[purchases.length - 4];
      rows.push([`C${invoice}`, p[1], "ITEM", `-${p[3]}`, date, p[5], p[6], p[7]].join(","));
    }
    if (day % 30 === 0) rows.push([`${invoice}`, "POST", "POSTAGE", "1", date, "18", `${customer}`, country].join(","));
    if (day % 27 === 0) rows.push([`${invoice + 90000}`, "21A", "ITEM", "2", date, "3.5", "", "France"].join(","));
    if (day % 45 === 0) rows.push([`${invoice}`, "22A", "ITEM", "2", date, "0", `${customer}`, country].join(","));
  }
  writeFileSync(path, rows.join("\n") + "\n");
}

const DATA = join(WORK, "lines.csv");
writeLines(DATA);

const config = (overrides: Record<string, unknown> = {}): Config =>
  loadConfig({ file: null, data: DATA, env: {}, overrides: { clustering: { bootstrap_runs: 2 }, ...overrides } });

/** A value unlike `value` (any JSON: the key hashes settings as given). */
const other = (value: unknown): unknown =>
  typeof value === "boolean"
    ? !value
    : typeof value === "number"
      ? value + 1
      : typeof value === "string"
        ? `${value}-changed`
        : Array.isArray(value)
          ? [...value, "changed"]
          : { changed: value ?? null };

/** Every setting path under `names` (leaves of nested sections, and the sections themselves). */
function settingPaths(settings: Record<string, unknown>, names: readonly string[]): string[][] {
  const out: string[][] = [];
  const walk = (value: unknown, path: string[]) => {
    out.push(path);
    if (value && typeof value === "object" && !Array.isArray(value))
      for (const [key, inner] of Object.entries(value)) walk(inner, [...path, key]);
  };
  for (const name of names) walk(settings[name], [name]);
  return out;
}

function withSetting(base: Config, path: string[], value: unknown): Config {
  const copy = structuredClone(base) as Record<string, any>;
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key];
  at[path[path.length - 1]] = value;
  return copy as Config;
}

function getSetting(base: Config, path: string[]): unknown {
  return path.reduce<any>((at, key) => at?.[key], base);
}

/** A configuration that records the path of every setting read (whole sections, then the keys within). */
function recording(base: Config, read: Set<string>): Config {
  const wrap = (value: unknown, path: string[]): unknown => {
    if (!value || typeof value !== "object") return value;
    return new Proxy(value as object, {
      get(target, key, receiver) {
        const inner = Reflect.get(target, key, receiver);
        if (typeof key === "string" && Object.hasOwn(target, key)) {
          read.add([...path, key].join("."));
          return wrap(inner, [...path, key]);
        }
        return inner;
      },
    });
  };
  return wrap(base, []) as Config;
}

describe("the ingest key covers the settings ingest reads", () => {
  const base = config();
  const key = (c: Config) => ingestKey(c, "input", TODAY);

  it("every top-level setting is ingest's, the segmentation's or a later stage's", () => {
    const top = Object.keys(configSchema.shape).sort();
    const classified = [...INGEST_SETTINGS, ...LATER].sort();
    assert.deepEqual(top, classified);
    for (const name of SEGMENT_SETTINGS) assert.ok((LATER as readonly string[]).includes(name));
  });

  it("a change of any setting ingest reads (or of where the settings came from) changes the key", () => {
    const paths = settingPaths(base as Record<string, unknown>, [...INGEST_SETTINGS, ...INGEST_ORIGIN]);
    assert.ok(paths.length > 25, `${paths.length} paths`);
    for (const path of paths)
      assert.notEqual(key(withSetting(base, path, other(getSetting(base, path)))), key(base), path.join("."));
  });

  it("a change of a later stage's setting leaves it alone; the segmentation key follows rfm and clustering", () => {
    const ingestOf = key(base);
    for (const path of settingPaths(base as Record<string, unknown>, LATER)) {
      const changed = withSetting(base, path, other(getSetting(base, path)));
      assert.equal(key(changed), ingestOf, path.join("."));
      const segmentChanged = segmentKey(ingestOf, changed) !== segmentKey(ingestOf, base);
      assert.equal(segmentChanged, (SEGMENT_SETTINGS as readonly string[]).includes(path[0]), path.join("."));
    }
    assert.notEqual(segmentKey(ingestOf, base), segmentKey(key(withSetting(base, ["revenue"], "gross")), base));
  });

  it("the k search's key follows rfm and clustering but for clustering.k", () => {
    const ingestOf = key(base);
    for (const path of settingPaths(base as Record<string, unknown>, LATER)) {
      const changed = withSetting(base, path, other(getSetting(base, path)));
      const moved = searchKey(ingestOf, changed) !== searchKey(ingestOf, base);
      const expected = (SEGMENT_SETTINGS as readonly string[]).includes(path[0]) && path.join(".") !== "clustering.k";
      assert.equal(moved, expected, path.join("."));
    }
    assert.notEqual(searchKey(ingestOf, base), searchKey(key(withSetting(base, ["revenue"], "gross")), base));
  });

  it("the input and today's plausible window are in it", () => {
    assert.notEqual(ingestKey(base, "input", TODAY), ingestKey(base, "other input", TODAY));
    const tomorrow = new Date(TODAY.getTime() + 86_400_000);
    assert.equal(base.plausible_dates.to, null);
    assert.notEqual(ingestKey(base, "input", TODAY), ingestKey(base, "input", tomorrow));
    const fixed = withSetting(base, ["plausible_dates", "to"], "2030-01-01");
    assert.equal(ingestKey(fixed, "input", TODAY), ingestKey(fixed, "input", tomorrow));
  });

  it("ingest reads no setting outside its key", async () => {
    for (const overrides of [{}, { revenue: "gross", cleaning: { drop_duplicates: true } }]) {
      const read = new Set<string>();
      const result = await ingest(recording(config(overrides), read), { today: TODAY });
      try {
        await customersBefore(result, recording(config(overrides), read), "2011-07-01");
      } finally {
        await result.close();
      }
      const allowed = new Set<string>([...INGEST_SETTINGS, ...INGEST_ORIGIN]);
      const outside = [...read].filter((path) => !allowed.has(path.split(".")[0]));
      assert.deepEqual(outside, []);
      assert.ok(read.has("cleaning.drop_cancellations") && read.has("data"), [...read].join(" "));
    }
  });

  it("the default configuration is what the key is tested on", () => {
    assert.deepEqual(Object.keys(DEFAULT_CONFIG).sort(), Object.keys(configSchema.shape).sort());
  });
});

describe("the key of the stages after the segmentation covers the settings they read", () => {
  const base = config();
  const ingestOf = ingestKey(base, "input", TODAY);
  const key = (c: Config) => laterKey(segmentKey(ingestOf, c), c);

  it("follows the segmentation's key, every setting of value and migration and the currency; not drift, no other report setting", () => {
    for (const path of settingPaths(base as Record<string, unknown>, LATER)) {
      const changed = withSetting(base, path, other(getSetting(base, path)));
      const expected =
        [...SEGMENT_SETTINGS, ...LATER_SETTINGS].includes(path[0] as never) ||
        ["report", "report.currency"].includes(path.join("."));
      assert.equal(key(changed) !== key(base), expected, path.join("."));
    }
    const gross = withSetting(base, ["revenue"], "gross");
    assert.notEqual(laterKey(segmentKey(ingestKey(gross, "input", TODAY), gross), gross), key(base));
  });

  it("value, the model and time read no setting outside ingest's, the segmentation's, their own and the currency", async () => {
    const read = new Set<string>();
    const watched = recording(config({ migration: { when: "always", days_before: 90 } }), read);
    const ingested = await ingest(config({ migration: { when: "always", days_before: 90 } }), { today: TODAY });
    try {
      const segmentation = await segmentCustomers(ingested.customers, watched.rfm, watched.clustering);
      read.clear(); // the segmentation's own reads are its key's
      const value = await valueStage(ingested, segmentation, watched);
      const { model } = buildModel(ingested, segmentation, watched, value.model);
      const time = await analyseTime(ingested, segmentation.customers, model, watched);
      assert.ok(time.migration, time.migration_note ?? "");
    } finally {
      await ingested.close();
    }
    const allowed = new Set<string>([...INGEST_SETTINGS, ...INGEST_ORIGIN, ...SEGMENT_SETTINGS, ...LATER_SETTINGS]);
    assert.deepEqual(
      [...read].filter((path) => !allowed.has(path.split(".")[0]) && !["report", "report.currency"].includes(path)),
      [],
    );
    for (const name of ["value.model", "migration.days_before", "report.currency"])
      assert.ok(read.has(name), `${name} read: ${[...read].join(" ")}`);
  });
});

describe("the report data with the stage cache", () => {
  const cache: StageCache = { dir: join(WORK, "stages"), input: "lines.csv fingerprint" };
  const quiet = () => {};
  const text = (files: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(files).map(([name, v]) => [name, typeof v === "string" ? v : JSON.stringify(v)]));

  it("is the same with the cache as without it: stored, taken back, and after a k change", async () => {
    rmSync(cache.dir, { recursive: true, force: true });
    mkdirSync(cache.dir, { recursive: true });
    // a folder the cache did not write is never removed
    mkdirSync(join(cache.dir, "segment-not-ours"));
    const plain = text(await computeReport(config(), quiet));
    const stored = text(await computeReport(config(), quiet, null, cache));
    assert.deepEqual(
      entries(cache).map((e) => e.split("-")[0]),
      ["ingest", "later", "report", "search", "segment"],
    );
    let recognised = "";
    const again = text(await computeReport(config(), (t) => (recognised += t), null, cache));
    assert.deepEqual(stored, plain);
    assert.deepEqual(again, plain);
    assert.equal(recognised, plain["recognised.txt"]);

    // a k change: the ingest and the k search (with the stabilities measured) come from the cache, and the
    // report's tables (every k's clusters are the same: only the choice changed)
    const reports = () => entries(cache).filter((e) => e.startsWith("report-"));
    const before = reports();
    for (const k of [3, 2]) {
      const fresh = text(await computeReport(config({ clustering: { bootstrap_runs: 2, k } }), quiet));
      const cached = text(await computeReport(config({ clustering: { bootstrap_runs: 2, k } }), quiet, null, cache));
      assert.deepEqual(cached, fresh, `k = ${k}`);
      assert.notDeepEqual(fresh, plain);
    }
    assert.deepEqual(reports(), before, "the report's tables taken back after a k change");
    // a change of a report setting (the title): the same tables again (value, model and time: the test after next)
    const relabelled = config({ report: { title: "Another title" } });
    const labelled = text(await computeReport(relabelled, quiet, null, cache));
    assert.deepEqual(labelled, text(await computeReport(relabelled, quiet)));
    assert.notDeepEqual(labelled, plain);
    assert.deepEqual(reports(), before, "the report's tables taken back after a title change");
    const names = entries(cache);
    assert.equal(names.filter((e) => e.startsWith("ingest-")).length, 1, names.join(" "));
    assert.equal(names.filter((e) => e.startsWith("search-")).length, 1, names.join(" "));
    assert.equal(names.filter((e) => e.startsWith("segment-")).length, 3, names.join(" "));
  });

  it("recomputes, with a warning, when a stored entry cannot be read", async () => {
    const stored = entries(cache).find((e) => e.startsWith("ingest-")) as string;
    writeFileSync(join(cache.dir, stored, "tables.duckdb"), "not a database");
    let log = "";
    const files = text(await computeReport(config(), (t) => (log += t), null, cache));
    assert.match(
      log,
      /warning: could not read the cleaned lines kept in \.segment-cache\/stages \(.+\); computing them again/,
    );
    assert.deepEqual(files, text(await computeReport(config(), quiet)));
  });

  it("reads the report's tables from the cache, and recomputes them, with a warning, when they cannot be read", async () => {
    const stored = entries(cache).filter((e) => e.startsWith("report-"));
    assert.equal(stored.length, 1, stored.join(" "));
    writeFileSync(join(cache.dir, stored[0], "result.bin"), "not a serialisation");
    let log = "";
    const files = text(await computeReport(config(), (t) => (log += t), null, cache));
    assert.match(
      log,
      /warning: could not read the report's tables kept in \.segment-cache\/stages \(.+\); computing them again/,
    );
    assert.deepEqual(files, text(await computeReport(config(), quiet)));
  });

  it("reads value, model and time from the cache after a title change, and recomputes them, with a warning, when they cannot be read", async () => {
    const stored = entries(cache).filter((e) => e.startsWith("later-"));
    assert.ok(stored.length > 0, entries(cache).join(" "));
    for (const name of stored) writeFileSync(join(cache.dir, name, "result.bin"), "not a serialisation");
    const retitled = config({ report: { title: "A third title" } });
    let log = "";
    const files = text(await computeReport(retitled, (t) => (log += t), null, cache));
    assert.match(
      log,
      /warning: could not read the value, model and time figures kept in \.segment-cache\/stages \(.+\); computing them again/,
    );
    assert.deepEqual(files, text(await computeReport(retitled, quiet)));
    // stored again, and taken back without a word
    log = "";
    assert.deepEqual(text(await computeReport(retitled, (t) => (log += t), null, cache)), files);
    assert.doesNotMatch(log, /warning/);
  });

  it("keeps the last KEEP entries of a stage and leaves other folders alone", async () => {
    // a staging folder of a process killed outright goes; one of a running process stays
    const gone = spawnSync(process.execPath, ["-e", "0"]).pid;
    mkdirSync(join(cache.dir, `.staging-ingest-${gone}`));
    mkdirSync(join(cache.dir, `.staging-ingest-${process.ppid}`));
    for (const k of [4, 5, 6])
      await computeReport(config({ clustering: { bootstrap_runs: 2, k } }), quiet, null, cache);
    const names = entries(cache);
    assert.equal(names.filter((e) => e.startsWith("segment-")).length, KEEP, names.join(" "));
    assert.ok(existsSync(join(cache.dir, "segment-not-ours")));
    assert.deepEqual(
      readdirSync(cache.dir).filter((e) => e.startsWith(".staging")),
      [`.staging-ingest-${process.ppid}`],
    );
  });
});

describe("the migration's earlier cut without a second read", () => {
  for (const [what, overrides] of [
    ["net of returns (default)", {}],
    ["gross", { revenue: "gross" }],
    ["duplicates dropped", { cleaning: { drop_duplicates: true } }],
    ["cancellations kept", { cleaning: { drop_cancellations: false }, revenue: "gross" }],
  ] as const)
    it(`gives the customers a second ingest gives: ${what}`, async () => {
      const c = config(overrides);
      const first = await ingest(c, { today: TODAY });
      try {
        assert.ok(first.line_table);
        for (const before of ["2011-04-15", "2011-07-01", "2011-11-20"]) {
          const second = await ingest({ ...c, snapshot_date: before }, { before, today: TODAY });
          try {
            const cut = await customersBefore(first, c, before);
            assert.ok(cut.length > 5 && cut.length < first.customers.length + 1);
            assert.deepStrictEqual(cut, second.customers, before);
          } finally {
            await second.close();
          }
        }
        // the run's own tables are left as they were
        const [{ n }] = await first.db.query<{ n: number }>("SELECT count(*)::INTEGER AS n FROM lines");
        assert.equal(n, first.accounting.rows_kept);
      } finally {
        await first.close();
      }
    });
});
