/**
 * Every module under loaders/ is either imported by a test (statically or with import()), started as a process by
 * one (`loaders/cli/x.ts` named in a spawn), or listed below as covered through its callers, with the reason and
 * the tests that reach it. A new module needs a test of its own or a line here; a listed module that a test now
 * imports must leave the list (so that the list stays true).
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, it } from "node:test";
import { PROJECT_ROOT } from "../../loaders/config.ts";

/** Modules reached only through their callers: module -> why, and which tests reach it. */
export const COVERED_THROUGH: Record<string, string> = {
  // settings: zod schemas assembled by config/schema.ts, checked by test/config/*.test.ts (every default, every
  // bad value's message, the JSON schema is current)
  "loaders/clean/settings.ts": "settings schema, through config/schema.ts (test/config)",
  "loaders/cluster/settings.ts": "settings schema, through config/schema.ts (test/config)",
  "loaders/report/settings.ts": "settings schema, through config/schema.ts (test/config)",
  "loaders/sources/settings.ts": "settings schema, through config/schema.ts (test/config/bounds, test/sources/columns)",
  "loaders/time/settings.ts": "settings schema, through config/schema.ts (test/config)",
  "loaders/config/load.ts": "re-exported by loaders/config.ts, which test/config/config.test.ts imports",
  "loaders/config/setting.ts": "zod helpers of every settings file, through config/schema.ts (test/config/bounds)",
  "loaders/cluster/trait-names.ts": "a constant list of trait names (test/cluster/traits.test.ts uses every trait)",
  "loaders/clean/line-sql.ts": "two SQL expressions of clean/rules.ts and clean/returns.ts (test/clean/*)",
  "loaders/cluster/fit-k.ts":
    "one k's fit and scores, in the process and in the workers: test/cluster/pool.test.ts compares their outputs bit for bit",
  "loaders/cluster/fit-worker.ts":
    "the k search's worker thread, started by cluster/pool.ts: test/cluster/pool.test.ts runs it bundled and through tsx",
  // types only
  "loaders/pipeline/types.ts": "types only",
  "loaders/pipeline/ingest-result.ts": "types only, re-exported by pipeline/ingest.ts",
  // wiring: a stage that calls tested pure functions in order
  "loaders/rfm/index.ts": "calls rfm/score.ts and rfm/segments.ts (test/rfm/rfm.test.ts, against pandas)",
  "loaders/report/assignments.ts":
    "loads the customer -> segment table, through prepareReportTables (test/report/aggregates)",
  "loaders/report/glossary-customers.ts":
    "the glossary of a customer table, through computeReport (test/sources/customers-table)",
  "loaders/pipeline/close.ts": "closeOnce, through every ingest (test/site/interrupt checks the cleanup)",
  "loaders/db/require.ts":
    "loads DuckDB and pg by require, through every test that opens a database (test/sources, test/db)",
  "loaders/pipeline/saved.ts":
    "build --model's segmentation under a saved model, through test/browser/saved-model (drift figures and names in the page, the one-line refusal)",
  "loaders/value/saved-apply.ts":
    "value figures under saved parameters, through test/model/score (score's value section equals the pipeline's per-segment figures)",
  "loaders/value/segment-values.ts":
    "per-segment value figures of a fit and of a saved model, through test/value/stage (intervals, difference from the rest) and test/model/score",
  "loaders/paths.ts": "input and output path checks, through the CLI error tests (test/cli/errors, test/output)",
  "loaders/processes.ts":
    "whether a process runs, through loaders/site/lock.ts (test/site/lock.test.ts: a lock of a gone process is taken over) and test/pipeline/stage-cache.test.ts (dead staging folders removed)",
  "loaders/interrupt.ts": "signal handling, through spawned commands (test/site/interrupt.test.ts)",
  "loaders/cli/schema.ts":
    "`npm run schema` writes config/json-schema.ts's text; test/config/schema.test.ts checks the file is current",
  "loaders/model/write-schema.ts":
    "`npm run schemas` writes schemas/*.json; test/model/schema.test.ts checks them current",
  // the demo generator: test/demo/*.test.ts checks its output (planted personas, cancellations, the shop) through
  // demo/index.ts
  "loaders/demo/calendar.ts": "demo generator, through demo/index.ts (test/demo)",
  "loaders/demo/catalogue.ts": "demo generator, through demo/index.ts (test/demo)",
  "loaders/demo/countries.ts": "demo generator, through demo/index.ts (test/demo)",
  "loaders/demo/customers.ts": "demo generator, through demo/index.ts (test/demo)",
  "loaders/demo/generate.ts": "demo generator, through demo/index.ts (test/demo)",
  "loaders/demo/personas.ts": "demo generator, through demo/index.ts (test/demo)",
  "loaders/demo/shop.ts": "demo generator, through demo/index.ts (test/demo/shop)",
  "loaders/demo/summary.ts": "demo generator, through demo/index.ts (test/demo)",
  // readers: test/sources/*.test.ts read every format and layout through sources/index.ts and the ingest
  "loaders/sources/file.ts": "reader, through sources/index.ts (test/sources/formats, special-files)",
  "loaders/sources/folder.ts": "reader, through sources/index.ts (test/sources/tables, formats)",
  "loaders/sources/gzip.ts":
    "a gzip file's problem in words, through the ingest (test/sources/hostile-values: trailing junk, truncation)",
  "loaders/sources/jsonl.ts": "reader, through sources/index.ts (test/sources/formats)",
  "loaders/sources/lines.ts": "reader, through sources/index.ts (test/sources/formats, fuzz)",
  "loaders/sources/parquet.ts": "reader, through sources/index.ts (test/sources/formats)",
  "loaders/sources/postgres.ts": "reader, through sources/index.ts (test/sources/postgres, postgres-safety)",
  "loaders/sources/reader.ts": "reader, through sources/index.ts (test/sources/reading)",
  "loaders/sources/recognised.ts": "the recognised-input block, through the ingest (test/sources/layouts)",
  "loaders/sources/relation.ts": "reader, through sources/index.ts (test/sources/tables)",
  "loaders/sources/tables.ts": "joined tables, through sources/index.ts (test/sources/tables)",
  // pages that only compose figures tested elsewhere, through computeReport
  "loaders/report/value-figures.ts":
    "the value figures of the segment and strategy pages, through segmentPages and strategyData (test/report/value-figures)",
  "loaders/report/pages/audience.ts":
    "composes the demographic aggregates, through computeReport (test/sources/customers-table)",
  "loaders/report/pages/methodology.ts": "through computeReport: test/report/limits checks its figures against pandas",
  "loaders/report/pages/time.ts": "passes the time stage's results on (test/time/*)",
};

const walk = (dir: string, out: string[] = []): string[] => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== "fixtures") walk(path, out);
    } else if (/\.(ts|mjs)$/.test(name)) out.push(path);
  }
  return out;
};

/** Modules (relative to the project) imported by a test or named as a process a test starts. */
function reached(): Set<string> {
  const modules = new Set(walk(join(PROJECT_ROOT, "loaders")).map((f) => relative(PROJECT_ROOT, f)));
  const hit = new Set<string>();
  // this file names modules in its list; it tests none of them
  for (const file of walk(join(PROJECT_ROOT, "test")).filter((f) => !f.endsWith(join("harness", "coverage.test.ts")))) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)) {
      const path = relative(PROJECT_ROOT, resolve(dirname(file), m[1]));
      for (const c of [path, `${path}.ts`, path.replace(/\.js$/, ".ts"), join(path, "index.ts")])
        if (modules.has(c)) hit.add(c);
    }
    // a command started as a process: "loaders/cli/x.ts" or join(..., "loaders", "cli", "x.ts"), or its bundle
    // through the launcher: "loaders/cli/launch.mjs", "x" or join(..., "loaders", "cli", "launch.mjs"), "x"
    for (const m of text.matchAll(/loaders\/cli\/([\w-]+\.ts)|"loaders",\s*"cli",\s*"([\w-]+\.ts)"/g))
      hit.add(`loaders/cli/${m[1] ?? m[2]}`);
    for (const m of text.matchAll(
      /(?:loaders\/cli\/launch\.mjs|"loaders",\s*"cli",\s*"launch\.mjs")["']?\)?,\s*"([\w-]+)"/g,
    ))
      hit.add(`loaders/cli/${m[1]}.ts`);
  }
  return hit;
}

describe("every module under loaders/ is tested", () => {
  it("is imported or started by a test, or listed with the callers that cover it", () => {
    const modules = walk(join(PROJECT_ROOT, "loaders"))
      .filter((f) => f.endsWith(".ts"))
      .map((f) => relative(PROJECT_ROOT, f))
      .sort();
    const hit = reached();
    const missing = modules.filter((m) => !hit.has(m) && !(m in COVERED_THROUGH));
    assert.deepEqual(missing, [], "modules no test imports: add a test, or a line with the reason to COVERED_THROUGH");
    const stale = Object.keys(COVERED_THROUGH).filter((m) => hit.has(m) || !modules.includes(m));
    assert.deepEqual(stale, [], "listed modules that a test imports now, or that are gone: take them off the list");
  });
});

describe("no silent skip of a missing reference", () => {
  it("every skip that names ../shared, a reference or NO_SHARED goes through requires() (a failure in CI)", () => {
    const silent: string[] = [];
    for (const file of walk(join(PROJECT_ROOT, "test")).filter((f) => f.endsWith(".test.ts"))) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/\bskip:\s*/g)) {
        // the skip's value: up to the end of its option (a comma or brace at the same depth) or 300 characters
        const rest = text.slice(m.index! + m[0].length, m.index! + m[0].length + 300);
        let depth = 0;
        let end = rest.length;
        for (let i = 0; i < rest.length; i++) {
          const c = rest[i];
          if ("([{".includes(c)) depth++;
          else if (")]}".includes(c) && depth-- === 0) {
            end = i;
            break;
          } else if (c === "," && depth === 0) {
            end = i;
            break;
          }
        }
        const value = rest.slice(0, end);
        if (/NO_SHARED|shared|reference/i.test(value) && !value.startsWith("requires("))
          silent.push(`${relative(PROJECT_ROOT, file)}: skip: ${value.replace(/\s+/g, " ")}`);
      }
    }
    assert.deepEqual(silent, []);
  });
});
