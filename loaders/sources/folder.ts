/**
 * A folder of same-layout files (monthly exports) read as one table: every data file in it (by name order; names
 * ending .csv, .tsv, .txt, .xlsx, .parquet, .jsonl or .ndjson, optionally .gz), each with the reader for its
 * format, appended in that order. The headers must agree exactly (same names, same order): the first file that
 * differs stops the run with one line naming it and the first file. Each file is read and checked on its own, so
 * errors name the file and its own line numbers; the order of day and month is then decided over the whole folder
 * (a file whose dates show no order is read in the order the others show; two files showing different orders stop
 * with one line naming both). Without an invoice column, each line is one order named by its file and line.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { readdirSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import type { Config } from "../config.ts";
import { InputError } from "../errors.ts";
import { sqlString } from "../db/sql.ts";
import type { DateOrder } from "./dates.ts";
import type { DatesRead, FileRead, PlannedRead, ReadResult, SourceReader } from "./reader.ts";

export type { FileCount } from "./reader.ts";

/** File names a folder read takes; everything else in the folder is listed as ignored. */
export const DATA_FILE = /\.(csv|tsv|txt|xlsx|parquet|jsonl|ndjson)(\.gz)?$/i;

/** Whether `path` is a folder (false when it does not exist). */
export function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The data files of a configuration: `data` (a folder's data files), or every table's file (lines, orders, products, customers). */
export function dataFiles(config: Pick<Config, "data" | "tables">): string[] {
  if (!config.tables) return isFolder(config.data) ? folderFiles(config.data).files : [config.data];
  return (["lines", "orders", "products", "customers"] as const).flatMap((name) =>
    config.tables![name] ? [config.tables![name]!.data] : [],
  );
}

/** The data files of a folder in name order, and the other entries (not hidden) that were left out. */
export function folderFiles(dir: string): { files: string[]; ignored: string[] } {
  const names = readdirSync(dir)
    .filter((n) => !n.startsWith("."))
    .sort();
  const files: string[] = [];
  const ignored: string[] = [];
  for (const name of names) {
    const path = join(dir, name);
    if (statSync(path).isFile() && DATA_FILE.test(name)) files.push(path);
    else ignored.push(name);
  }
  return { files, ignored };
}

function headerDifference(expected: readonly string[], found: readonly string[]): string {
  const at = expected.findIndex((h, i) => found[i] !== h);
  const quoted = (list: readonly string[]) => list.map((h) => `"${h}"`).join(", ");
  if (at < 0)
    return `${found.length} columns, expected ${expected.length} (extra: ${quoted(found.slice(expected.length))})`;
  if (at >= found.length) return `${found.length} columns, expected ${expected.length} (missing "${expected[at]}")`;
  return `column ${at + 1} is "${found[at]}", expected "${expected[at]}"`;
}

/** The dates of the parts as one column: forms summed, the order the parts agree on. */
function mergeDates(config: Config, results: readonly ReadResult[]): DatesRead {
  const forms = new Map<string, number>();
  for (const r of results) for (const f of r.dates.forms) forms.set(f.form, (forms.get(f.form) ?? 0) + f.lines);
  const withOrder = results.filter((r) => r.dates.order !== null);
  return {
    format: config.date_format,
    order: withOrder.length ? (withOrder[0].dates.order as DateOrder) : null,
    order_evident: results.some((r) => r.dates.order !== null && r.dates.order_evident),
    forms: [...forms]
      .map(([form, lines]) => ({ form, lines }))
      .sort((a, b) => b.lines - a.lines || (a.form < b.form ? -1 : 1)),
  };
}

/** A part of a folder is a file read (a value import of sources/index.ts here would be an import cycle). */
function filePart(plan: PlannedRead): FileRead {
  if (plan.kind === "database" || plan.kind === "customers")
    throw new Error(`${plan.source}: a ${plan.kind} source in a folder`);
  return plan;
}

/** Builds the folder reader over the single-file readers (passed in to keep index.ts the one registry). */
export function folderReader(fileReaders: () => readonly SourceReader[]): SourceReader {
  return {
    name: "folder",
    accepts: (config: Config) => config.tables === null && isFolder(config.data),
    async plan(config): Promise<FileRead> {
      const dir = config.data;
      const { files, ignored } = folderFiles(dir);
      if (!files.length)
        throw new InputError(
          `${dir}: a folder without data files (expected files ending .csv, .tsv, .txt, .xlsx, .parquet, .jsonl or .ndjson, optionally .gz)`,
        );
      const planPart = (file: string, date_format = config.date_format) => {
        const fileConfig = { ...config, data: file, date_format };
        return (fileReaders().find((r) => r.accepts(fileConfig)) as SourceReader).plan(fileConfig).then(filePart);
      };
      const parts: FileRead[] = [];
      try {
        for (const file of files) {
          const part = await planPart(file);
          if (parts.length && part.headers.join("\u0000") !== parts[0].headers.join("\u0000"))
            throw new InputError(
              `${file}: its header differs from the folder's first file (${parts[0].source}): ${headerDifference(parts[0].headers, part.headers)}; the files of a folder must have the same columns`,
            );
          parts.push(part);
        }
      } catch (error) {
        for (const part of parts) part.close();
        throw error;
      }
      /** rows of each part in the table read, for mapping the table's rows back to files */
      let counts: number[] = [];
      const formats = [...new Set(parts.map((p) => p.recognition.format))].join("; ");
      return {
        reader: "folder",
        source: dir,
        headers: parts[0].headers,
        ignored,
        recognition: {
          ...parts[0].recognition,
          format: `folder of ${files.length} file${files.length > 1 ? "s" : ""} (${formats})`,
        },
        async relation(conn: DuckDBConnection) {
          // appended file by file into one table: rows stay in file order (a UNION ALL does not promise it)
          const relations: string[] = [];
          for (const part of parts) {
            if (!part.relation) throw new InputError(`${part.source}: cannot be read as one table of rows`);
            relations.push(await part.relation(conn));
          }
          await conn.run(`CREATE OR REPLACE TEMP TABLE source_folder AS SELECT * FROM ${relations[0]}`);
          for (const relation of relations.slice(1))
            await conn.run(`INSERT INTO source_folder SELECT * FROM ${relation}`);
          return "source_folder";
        },
        async read(conn, derived, table = "transactions"): Promise<ReadResult> {
          const results: ReadResult[] = [];
          for (const [i, part] of parts.entries()) results.push(await part.read(conn, derived, `folder_part_${i}`));
          // one order of day and month for the folder: the one files show; files showing none are read in it
          if (config.date_format === "auto") {
            const evident = results.flatMap((r, i) => (r.dates.order !== null && r.dates.order_evident ? [i] : []));
            const other = evident.find((i) => results[i].dates.order !== results[evident[0]].dates.order);
            if (other !== undefined) {
              const [a, b] = [evident[0], other];
              const says = (i: number) =>
                `${basename(files[i])} writes dates ${results[i].dates.order === "day-first" ? "day first" : "month first"}`;
              throw new InputError(
                `${dir}: ${says(a)}, ${says(b)}: the files of a folder must write dates one way (set "date_format" to the files' order, or fix one file)`,
              );
            }
            if (evident.length) {
              const order = results[evident[0]].dates.order as DateOrder;
              for (const [i, r] of results.entries()) {
                if (r.dates.order === null || r.dates.order === order) continue;
                parts[i].close();
                parts[i] = await planPart(files[i], order);
                results[i] = await parts[i].read(conn, derived, `folder_part_${i}`);
                results[i].dates = { ...results[i].dates, format: config.date_format, order_evident: false };
              }
            }
          }
          const numbered = !results[0].columns.includes("invoice");
          for (const [i, file] of files.entries()) {
            // without an invoice column each line is one order: `line 2` of two files are two orders
            if (numbered)
              await conn.run(`UPDATE folder_part_${i} SET invoice = ${sqlString(`${basename(file)} `)} || invoice`);
            if (i === 0) await conn.run(`CREATE OR REPLACE TABLE ${table} AS SELECT * FROM folder_part_0`);
            else await conn.run(`INSERT INTO ${table} SELECT * FROM folder_part_${i}`);
            await conn.run(`DROP TABLE folder_part_${i}`);
          }
          counts = results.map((r) => r.rows);
          const latin = results.findIndex((r) => r.encoding !== "utf-8");
          const dates = mergeDates(config, results);
          return {
            rows: counts.reduce((s, n) => s + n, 0),
            date_order: dates.order ?? results[0].date_order,
            dates,
            encoding: latin >= 0 ? results[latin].encoding : "utf-8",
            encoding_reason: latin >= 0 ? `${basename(files[latin])}: ${results[latin].encoding_reason}` : "",
            columns: results[0].columns,
            files: files.map((file, i) => ({ file, rows: counts[i] })),
          };
        },
        async quote(conn, rows, column) {
          const out: { where: string; text: string }[] = [];
          for (const row of rows) {
            let i = 0;
            let local = row;
            while (i < counts.length - 1 && local >= counts[i]) local -= counts[i++];
            const [quoted] = await parts[i].quote(conn, [local], column);
            out.push({ where: `${basename(files[i])} ${quoted.where}`, text: quoted.text });
          }
          return out;
        },
        close: () => {
          for (const part of parts) part.close();
        },
      };
    },
  };
}
