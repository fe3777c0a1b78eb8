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

/** DuckDB's "Malformed JSON ... in line N" as one line naming the file and the line; null for other errors. */
function jsonError(path: string, error: unknown): InputError | null {
  const reason = duckdbReason(error);
  const at = /Malformed JSON.* in line (\d+): (.*)$/.exec(reason);
  return at ? new InputError(`${path}: line ${at[1]}: not valid JSON (${at[2].replace(/\.\s*$/, "")})`) : null;
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
      throw jsonError(path, error) ?? new InputError(`${path}: cannot be read as JSON lines (${duckdbReason(error)})`);
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
      explain: (e) => jsonError(path, e),
    });
  },
};
