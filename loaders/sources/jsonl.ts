/**
 * JSON lines (one JSON object per line, `.jsonl` / `.ndjson`, gzipped or not), read by DuckDB (`read_json`,
 * newline-delimited). Every key is read as text, so values are parsed as a CSV's would be.
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import type { Config } from "../config.ts";
import { sqlString } from "../db/sql.ts";
import { InputError } from "../errors.ts";
import { checkReadableFile } from "../paths.ts";
import { checkGzip } from "./file.ts";
import type { SourceReader } from "./reader.ts";
import { describeColumns, duckdbReason, quoteIdent, relationRead, withScratchDb } from "./relation.ts";

/**
 * DuckDB's "Malformed JSON ... at byte B in line N" as one line naming the file and the physical line: DuckDB's N
 * counts records (blank lines skipped) from 2, so record N - 2 (0-based) is looked up. Null for other errors.
 */
async function jsonError(path: string, gzip: boolean, error: unknown): Promise<InputError | null> {
  const reason = duckdbReason(error);
  const at = /Malformed JSON.*?(?:at byte (\d+) )?in line (\d+): (.*)$/.exec(reason);
  if (!at) return null;
  const record = Math.max(0, Number(at[2]) - 2);
  const line = (await recordLines(path, gzip, [record])).get(record) ?? record + 1;
  const column = at[1] ? `, character ${at[1]}` : "";
  return new InputError(
    `${path}: line ${line}${column}: not valid JSON (${at[3].replace(/\.\s*$/, "")}); expected one JSON object per line`,
  );
}

/**
 * The first line that is not a JSON object (an array, a number, a string), or null: DuckDB reads such a file as
 * one column named "json", which would be reported as missing columns.
 */
async function firstNonObjectLine(path: string, gzip: boolean): Promise<{ line: number; kind: string } | null> {
  const raw = createReadStream(path);
  const input = gzip ? raw.pipe(createGunzip()) : raw;
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of lines) {
      line++;
      const first = text.trimStart()[0];
      if (first === undefined || first === "{") continue;
      const kind = first === "[" ? "an array" : first === '"' ? "a string" : "a value that is not an object";
      return { line, kind };
    }
  } finally {
    lines.close();
    raw.destroy();
  }
  return null;
}

/** The physical lines (1-based) of records (0-based, blank lines skipped), scanning only as far as needed. */
async function recordLines(path: string, gzip: boolean, rows: readonly number[]): Promise<Map<number, number>> {
  const wanted = new Set(rows);
  const last = Math.max(...rows);
  const found = new Map<number, number>();
  const raw = createReadStream(path);
  const input = gzip ? raw.pipe(createGunzip()) : raw;
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  let record = -1;
  try {
    for await (const text of lines) {
      line++;
      if (!text.trim()) continue;
      record++;
      if (wanted.has(record)) found.set(record, line);
      if (record >= last) break;
    }
  } finally {
    lines.close();
    raw.destroy();
  }
  return found;
}

export const jsonLines: SourceReader = {
  name: "JSON lines",
  accepts: (config: Config) => /\.(jsonl|ndjson)(\.gz)?$/i.test(config.data),
  async plan(config) {
    const path = config.data;
    checkReadableFile(path);
    const gzip = /\.gz$/i.test(path);
    if (gzip) await checkGzip(path); // DuckDB would read a truncated file up to where it stops
    const options = `format = 'newline_delimited', compression = '${gzip ? "gzip" : "uncompressed"}'`;
    let headers: string[];
    try {
      headers = await withScratchDb((conn) => describeColumns(conn, `read_json(${sqlString(path)}, ${options})`));
    } catch (error) {
      throw (
        (await jsonError(path, gzip, error)) ??
        new InputError(`${path}: cannot be read as JSON lines (${duckdbReason(error)})`)
      );
    }
    if (headers.length === 1 && headers[0] === "json") {
      const odd = await firstNonObjectLine(path, gzip);
      if (odd)
        throw new InputError(
          `${path}: line ${odd.line}: ${odd.kind}, expected a JSON object ({"column": value, ...}) on every line`,
        );
    }
    const types = headers.map((h) => `${sqlString(h)}: 'VARCHAR'`).join(", ");
    const text =
      `(SELECT ${headers.map((h, i) => `${quoteIdent(h)} AS c${i}`).join(", ")}` +
      ` FROM read_json(${sqlString(path)}, ${options}, columns = {${types}}))`;
    return relationRead(path, headers, config, {
      reader: "JSON lines",
      format: `JSON lines${gzip ? ", gzip" : ""}`,
      what: "JSON lines",
      stage: async () => text,
      places: async (rows) => {
        const lines = await recordLines(path, gzip, rows);
        return rows.map((row) => `line ${lines.get(row) ?? row + 1}`);
      },
      explain: (e) => jsonError(path, gzip, e),
    });
  },
};
