/**
 * Physical line numbers for messages. DuckDB numbers data rows without the blank lines it skips and counts a
 * record whose quoted field holds a line break as one line, so `rowid + 2` (and the line DuckDB names in its own
 * errors) runs short of the line an editor shows. This scanner walks the file's bytes (gunzipped when needed),
 * following quotes as DuckDB does, and maps records back to the physical line they start on. It only runs when a
 * message needs a line number, and stops as soon as it has found the records asked for.
 */
import { createReadStream } from "node:fs";
import { createGunzip } from "node:zlib";

export interface LineSource {
  path: string;
  gzip: boolean;
}

/** Where a record is: the physical line it starts on and its record number (the header is record 1). */
export interface RecordPlace {
  line: number;
  record: number;
}

/** "line 7", or "line 7 (record 6)" where the two differ. */
export function placeLabel(place: RecordPlace): string {
  return place.line === place.record ? `line ${place.line}` : `line ${place.line} (record ${place.record})`;
}

/**
 * Scans `source` and calls `visit` at the start of each record with its record number (1-based, header included,
 * blank lines skipped), DuckDB's line number (records and blank lines) and the physical line; stops when `visit`
 * returns true or the file ends.
 */
async function scanRecords(
  source: LineSource,
  visit: (record: number, duckLine: number, line: number) => boolean,
): Promise<void> {
  const raw = createReadStream(source.path, { highWaterMark: 1 << 20 });
  const stream = source.gzip ? raw.pipe(createGunzip()) : raw;
  if (source.gzip) raw.on("error", (error) => stream.destroy(error));
  let line = 1;
  let record = 0;
  let duckLine = 0;
  let quoted = false;
  let lineEmpty = true; // nothing but \r so far on this physical line, outside any record
  let inRecord = false;
  let done = false;
  try {
    for await (const chunk of stream) {
      const bytes = chunk as Buffer;
      for (let i = 0; i < bytes.length; i++) {
        const b = bytes[i];
        if (b === 0x0a) {
          if (!quoted) {
            if (!inRecord && lineEmpty) duckLine++; // a blank line: DuckDB skips it but counts it
            inRecord = false;
            lineEmpty = true;
          }
          line++;
          continue;
        }
        if (b === 0x0d && !inRecord) continue;
        if (!inRecord) {
          inRecord = true;
          lineEmpty = false;
          record++;
          duckLine++;
          if (visit(record, duckLine, line)) {
            done = true;
            break;
          }
        }
        if (b === 0x22) quoted = !quoted;
      }
      if (done) break;
    }
  } catch {
    // an unreadable or truncated file: the places found so far stand, the rest keep DuckDB's numbers
  } finally {
    stream.destroy();
    raw.destroy();
  }
}

/**
 * The places of data rows (0-based, file order, as DuckDB's rowid): rows the scan does not reach keep the
 * record number as their line.
 */
export async function placesOfRows(source: LineSource, rows: readonly number[]): Promise<Map<number, RecordPlace>> {
  const wanted = new Set(rows.map((row) => row + 2));
  const found = new Map<number, RecordPlace>();
  const last = Math.max(...wanted);
  await scanRecords(source, (record, _duckLine, line) => {
    if (wanted.has(record)) found.set(record - 2, { line, record });
    return record >= last;
  });
  for (const row of rows) if (!found.has(row)) found.set(row, { line: row + 2, record: row + 2 });
  return found;
}

/** The place of the record DuckDB's CSV error names as "Line: N". */
export async function placeOfDuckLine(source: LineSource, duckLine: number): Promise<RecordPlace> {
  let place: RecordPlace | null = null;
  await scanRecords(source, (record, n, line) => {
    if (n >= duckLine) place = { line, record };
    return n >= duckLine;
  });
  return place ?? { line: duckLine, record: duckLine };
}

/**
 * The first physical line whose end differs from the first line's (a lone carriage return, or `\r\n` among `\n`),
 * or null. DuckDB's parser gives up on such files without naming a line.
 */
export async function firstOddLineEnd(source: LineSource): Promise<number | null> {
  const raw = createReadStream(source.path, { highWaterMark: 1 << 20 });
  const stream = source.gzip ? raw.pipe(createGunzip()) : raw;
  if (source.gzip) raw.on("error", (error) => stream.destroy(error));
  let line = 1;
  let crlf: boolean | null = null;
  let previous = -1;
  try {
    for await (const chunk of stream) {
      const bytes = chunk as Buffer;
      for (let i = 0; i < bytes.length; i++) {
        const b = bytes[i];
        if (previous === 0x0d && b !== 0x0a) return line; // a carriage return alone
        if (b === 0x0a) {
          const isCrlf = previous === 0x0d;
          crlf ??= isCrlf;
          if (isCrlf !== crlf) return line;
          line++;
        }
        previous = b;
      }
    }
  } catch {
    return null;
  } finally {
    stream.destroy();
    raw.destroy();
  }
  return previous === 0x0d ? line : null;
}
