/** Parquet files, read by DuckDB (`read_parquet`); every column is cast to text and parsed as a CSV's would be. */
import type { Config } from "../config.ts";
import { sqlString } from "../db/sql.ts";
import { InputError } from "../errors.ts";
import { checkReadableFile } from "../paths.ts";
import type { SourceReader } from "./reader.ts";
import { asTextColumns, describeColumns, duckdbReason, relationRead, withScratchDb } from "./relation.ts";

export const parquet: SourceReader = {
  name: "Parquet",
  accepts: (config: Config) => /\.parquet$/i.test(config.data),
  async plan(config) {
    const path = config.data;
    checkReadableFile(path);
    const file = `read_parquet(${sqlString(path)})`;
    let headers: string[];
    try {
      headers = await withScratchDb((conn) => describeColumns(conn, file));
    } catch (error) {
      throw new InputError(`${path}: not a readable Parquet file (${duckdbReason(error)})`);
    }
    return relationRead(path, headers, config, {
      reader: "Parquet",
      format: "Parquet",
      what: "Parquet",
      stage: async () => asTextColumns(headers, file),
      places: (rows) => rows.map((row) => `row ${row + 1}`),
    });
  },
};
