/**
 * DuckDB's own speed on the input file, in this process, as the floor for our ingest stage: `count(*)` over
 * `read_csv` (what the file costs to decompress and tokenise) and the same read materialised into a table with
 * every column as text (about what our read stage asks of DuckDB before typing the columns).
 */
import { DuckDBInstance } from "@duckdb/node-api";

export interface RawRead {
  rows: number;
  /** one entry per run, ms */
  count_ms: number[];
  materialise_ms: number[];
}

const quote = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** Times `runs` runs of each query on a fresh in-memory database, after one untimed count (start-up not counted). */
export async function rawRead(path: string, runs: number): Promise<RawRead> {
  const instance = await DuckDBInstance.create(":memory:");
  const conn = await instance.connect();
  try {
    const source = `read_csv(${quote(path)})`;
    const time = async (sql: string): Promise<[number, unknown]> => {
      const start = performance.now();
      const rows = (await conn.runAndReadAll(sql)).getRowObjectsJS();
      return [performance.now() - start, rows[0]?.n];
    };
    const result: RawRead = { rows: 0, count_ms: [], materialise_ms: [] };
    await time(`SELECT count(*)::BIGINT AS n FROM ${source}`);
    for (let i = 0; i < runs; i++) {
      const [ms, n] = await time(`SELECT count(*)::BIGINT AS n FROM ${source}`);
      result.count_ms.push(ms);
      result.rows = Number(n);
      const [ms2] = await time(
        `CREATE OR REPLACE TEMP TABLE raw AS SELECT * FROM read_csv(${quote(path)}, all_varchar = true)`,
      );
      result.materialise_ms.push(ms2);
      await conn.run("DROP TABLE raw");
    }
    return result;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
