/**
 * Fuzz test of the reader: seeded random mutations of a small real slice of Online Retail
 * (test/fixtures/ingest/online_retail_slice.csv, lines of ../shared/data/online_retail.csv.gz) - deleted, swapped
 * and doubled fields, random bytes, truncation, odd quoting, blank and repeated lines, other date forms, gzip and
 * truncated gzip. Each must end in a successful read whose accounting holds (rows_in = kept + dropped) or a
 * one-line InputError naming the file; never another error, a hang, or (through the CLI) output on failure.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { DEFAULT_CONFIG, PROJECT_ROOT, validateConfig } from "../../loaders/config.ts";
import { InputError } from "../../loaders/errors.ts";
import { ingest } from "../../loaders/pipeline/ingest.ts";

const SLICE = readFileSync(join(PROJECT_ROOT, "test", "fixtures", "ingest", "online_retail_slice.csv"), "utf8")
  .trimEnd()
  .split("\n");
/** header + 40 lines around the first "£" line */
const SMALL = [SLICE[0], ...SLICE.slice(80, 120)];
const TMP = mkdtempSync(join(tmpdir(), "segment-fuzz-"));
after(() => rmSync(TMP, { recursive: true, force: true }));

/** mulberry32: a small seeded generator, enough for choosing mutations. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ODD_BYTES = [0x00, 0x0a, 0x0d, 0x22, 0x2c, 0x09, 0x3b, 0xa3, 0xc2, 0xe9, 0xff, 0x80, 0xef, 0xbb, 0xbf, 0x20];
const DATES = [
  "12/1/2010 8:26",
  "31/12/2010 8:26",
  "20101201",
  "40513.35",
  "2010-12-01T08:26:00Z",
  "2999-01-01",
  "1900-01-01",
  "2010-02-30",
  "",
  "nan",
];

/** One mutated file (bytes) and a description of what was done, from `seed`. */
function mutate(
  seed: number,
  base: string[],
): { bytes: Buffer; done: string[]; gzip: "none" | "gzip" | "truncated-gzip" } {
  const rand = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)];
  const lines = [...base];
  const done: string[] = [];
  const dataLine = () => 1 + Math.floor(rand() * (lines.length - 2));
  const steps = 1 + Math.floor(rand() * 3);
  let bytes: Buffer | null = null;
  for (let s = 0; s < steps; s++) {
    const kind = pick([
      "delete-field",
      "swap-fields",
      "double-field",
      "bytes",
      "truncate",
      "quote",
      "newline-in-quotes",
      "blank",
      "repeat-line",
      "delete-line",
      "date",
      "header",
    ]);
    const i = dataLine();
    const fields = lines[i].split(",");
    const f = Math.floor(rand() * fields.length);
    const g = Math.floor(rand() * fields.length);
    switch (kind) {
      case "delete-field":
        fields.splice(f, 1);
        lines[i] = fields.join(",");
        break;
      case "swap-fields":
        [fields[f], fields[g]] = [fields[g], fields[f]];
        lines[i] = fields.join(",");
        break;
      case "double-field":
        fields.splice(f, 0, fields[f]);
        lines[i] = fields.join(",");
        break;
      case "quote":
        fields[f] = pick([`"${fields[f]}`, `${fields[f]}"`, `"${fields[f]}"`, `"${fields[f]}""x"`, `x"${fields[f]}`]);
        lines[i] = fields.join(",");
        break;
      case "newline-in-quotes":
        fields[f] = `"${fields[f]}\n${fields[f]}"`;
        lines[i] = fields.join(",");
        break;
      case "blank":
        lines.splice(i, 0, pick(["", "   ", "\r", ",,,,,,,"]));
        break;
      case "repeat-line":
        lines.splice(i, 0, lines[i]);
        break;
      case "delete-line":
        lines.splice(i, 1);
        break;
      case "date":
        if (fields.length > 4) fields[4] = pick(DATES);
        lines[i] = fields.join(",");
        break;
      case "header": {
        const h = lines[0].split(",");
        h[Math.floor(rand() * h.length)] = pick(["Quantity", "", "customer id", "Price", "X"]);
        lines[0] = h.join(",");
        break;
      }
      default:
        break;
    }
    done.push(kind);
    if (kind === "bytes" || kind === "truncate") {
      const buffer = Buffer.from(lines.join("\n") + "\n", "utf8");
      const at = Math.floor(rand() * buffer.length);
      bytes =
        kind === "truncate"
          ? buffer.subarray(0, at)
          : Buffer.concat([
              buffer.subarray(0, at),
              Buffer.from(Array.from({ length: 1 + Math.floor(rand() * 4) }, () => pick(ODD_BYTES))),
              buffer.subarray(at),
            ]);
      break; // byte-level changes come last
    }
  }
  bytes ??= Buffer.from(lines.join("\n") + "\n", "utf8");
  const gzip = rand() < 0.15 ? (rand() < 0.3 ? "truncated-gzip" : "gzip") : "none";
  if (gzip !== "none") {
    const gz = gzipSync(bytes);
    bytes = gzip === "gzip" ? gz : gz.subarray(0, Math.max(10, Math.floor(gz.length * rand())));
  }
  return { bytes, done, gzip };
}

/** Rejects after `ms` (a hang fails the case, not the whole suite). */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const CASES = 300;

describe("fuzz: mutated real lines end in a balanced read or one line", () => {
  it(`${CASES} seeded mutations, in process`, async () => {
    const outcomes = { read: 0, error: 0 };
    const seen = new Set<string>();
    for (let seed = 1; seed <= CASES; seed++) {
      const { bytes, done, gzip } = mutate(seed, SMALL);
      const file = join(TMP, `case-${seed}.csv${gzip === "none" ? "" : ".gz"}`);
      writeFileSync(file, bytes);
      const config = validateConfig({
        ...structuredClone(DEFAULT_CONFIG),
        data: file,
        data_source: "override",
        config_file: null,
      });
      const what = `seed ${seed} (${done.join(", ")}${gzip === "none" ? "" : `, ${gzip}`})`;
      try {
        const result = await within(ingest(config), 20_000, what);
        try {
          const { rows_in, rows_kept, dropped } = result.accounting;
          const total = rows_kept + Object.values(dropped).reduce((a, b) => a + b, 0);
          assert.equal(total, rows_in, `${what}: accounting`);
          const kept = (
            await result.conn!.runAndReadAll("SELECT count(*)::INTEGER AS n FROM lines")
          ).getRowObjectsJS()[0].n;
          assert.equal(kept, rows_kept, `${what}: kept lines`);
          assert.ok(result.customers.length > 0, `${what}: customers`);
          outcomes.read++;
        } finally {
          result.close();
        }
      } catch (error) {
        if (!(error instanceof InputError))
          assert.fail(`${what}: not an InputError: ${(error as Error)?.stack ?? String(error)}`);
        assert.ok(!error.message.includes("\n"), `${what}: not one line: ${error.message}`);
        assert.ok(
          error.message.includes(file) || error.message.startsWith("snapshot_date"),
          `${what}: file not named: ${error.message}`,
        );
        seen.add(error.message.replace(file, "FILE").replace(/\d+/g, "N").slice(0, 60));
        outcomes.error++;
      }
      rmSync(file, { force: true });
    }
    // both outcomes occur, and the errors are of several kinds (the mutations reach different checks)
    assert.ok(outcomes.read > 30 && outcomes.error > 30, JSON.stringify(outcomes));
    assert.ok(seen.size >= 8, [...seen].join("\n"));
  });

  it("a handful through the pipeline CLI: exit 0 with outputs, or exit 1 with one line and nothing written", () => {
    const statuses: number[] = [];
    const noConfig = join(TMP, "empty.config.json");
    writeFileSync(noConfig, "{}");
    for (const seed of [3, 11, 27, 42, 77, 101]) {
      const { bytes, done, gzip } = mutate(seed, SLICE);
      const file = join(TMP, `cli-${seed}.csv${gzip === "none" ? "" : ".gz"}`);
      writeFileSync(file, bytes);
      const out = join(TMP, `out-${seed}`);
      const run = spawnSync(
        process.execPath,
        [join(PROJECT_ROOT, "loaders", "cli", "launch.mjs"), "pipeline", "--data", file, "--out", out],
        {
          cwd: PROJECT_ROOT,
          encoding: "utf8",
          timeout: 60_000,
          env: { ...process.env, SEGMENT_CONFIG: noConfig, SEGMENT_DATA: "" },
        },
      );
      const what = `seed ${seed} (${done.join(", ")})`;
      assert.ok(run.status === 0 || run.status === 1, `${what}: status ${run.status}, stderr ${run.stderr}`);
      statuses.push(run.status as number);
      if (run.status === 0) {
        assert.ok(existsSync(join(out, "customers.csv")) && existsSync(join(out, "summary.json")), what);
        const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
        const dropped = Object.values(summary.dropped as Record<string, number>).reduce((a, b) => a + b, 0);
        assert.equal(summary.rows_in, summary.rows_kept + dropped, what);
        assert.match(run.stderr, /^segment-report: input .*\n {2}layout: /, what);
      } else {
        const errors = run.stderr
          .split("\n")
          .filter((l) => l.startsWith("segment-report: ") && !/^segment-report: input /.test(l));
        assert.equal(errors.length, 1, `${what}: ${run.stderr}`);
        assert.doesNotMatch(run.stderr, /\n\s+at /, `${what}: stack trace`);
        assert.equal(existsSync(out), false, `${what}: output written on failure`);
      }
    }
    // the seeds were chosen so that both outcomes occur: a run that only ever fails (or only succeeds) checks half
    assert.ok(statuses.includes(0) && statuses.includes(1), `both outcomes among the seeds: ${statuses.join(",")}`);
  });
});
