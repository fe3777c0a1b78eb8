/**
 * Text encodings. Files are read as UTF-8; one that is not valid UTF-8 is read as Windows-1252 (a superset of the
 * printable Latin-1, the encoding of the widely shared Kaggle copy of Online Retail), or as set by `encoding`.
 * DuckDB reads UTF-8 only (its `latin-1` rejects Windows-1252's 0x80-0x9F: €, ’, –), so such a file is transcoded
 * to a temporary UTF-8 copy first, removed when the run ends.
 */
import { isUtf8 } from "node:buffer";
import { createReadStream, mkdtempSync, openSync, closeSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { onInterrupt } from "../interrupt.ts";
import { join } from "node:path";
import { createGunzip } from "node:zlib";
import type { Config } from "../config.ts";
import { InputError } from "../errors.ts";
import { gzipProblem } from "./gzip.ts";

/** The encoding a file is read in. */
export type Encoding = "utf-8" | "windows-1252";

/** Windows-1252 0x80-0x9F (the five undefined bytes stay the C1 controls, as in the WHATWG decoder). */
const CP1252_HIGH =
  "\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F" +
  "\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178";

/**
 * Decodes Windows-1252 bytes.
 * @example decodeWindows1252(Buffer.from([0xa3, 0x80])) // "£€"
 */
export function decodeWindows1252(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .toString("latin1")
    .replace(/[\u0080-\u009f]/g, (ch) => CP1252_HIGH[ch.charCodeAt(0) - 0x80]);
}

/** The encoding setting as an encoding to force, or null for "auto". */
export function forcedEncoding(setting: Config["encoding"]): Encoding | null {
  return setting === "auto" ? null : setting === "utf-8" ? "utf-8" : "windows-1252";
}

/** Decodes a header line: UTF-8 when it is valid UTF-8 (or UTF-8 is forced), else Windows-1252. */
export function decodeHeader(bytes: Buffer, setting: Config["encoding"]): { text: string; encoding: Encoding } {
  const forced = forcedEncoding(setting);
  const encoding = forced ?? (isUtf8(bytes) ? "utf-8" : "windows-1252");
  return { text: encoding === "utf-8" ? bytes.toString("utf8") : decodeWindows1252(bytes), encoding };
}

/** A transcoded copy: where it is, how to remove it, and what the scan saw. */
export interface Transcoded {
  path: string;
  remove(): void;
  /** first line that is not valid UTF-8 (1-based physical line), or null */
  firstNonUtf8Line: number | null;
  /** first line with a valid UTF-8 multi-byte character, or null */
  firstUtf8Line: number | null;
}

function countNewlines(bytes: Buffer, end = bytes.length): number {
  let n = 0;
  for (let i = bytes.indexOf(10); i >= 0 && i < end; i = bytes.indexOf(10, i + 1)) n++;
  return n;
}

function firstHighByte(bytes: Buffer): number {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] >= 0x80) return i;
  return -1;
}

/**
 * Writes a UTF-8 copy of `path` (gunzipped when `gzip`) decoded as Windows-1252, noting the first line that is not
 * valid UTF-8 and the first that holds UTF-8 multi-byte characters. Throws an InputError for an unreadable file.
 */
export async function transcodeToUtf8(path: string, gzip: boolean): Promise<Transcoded> {
  const dir = mkdtempSync(join(tmpdir(), "segment-report-input-"));
  const target = join(dir, "input-utf8.csv");
  // the copy holds the whole data: removed on Ctrl-C or SIGTERM too (loaders/interrupt.ts)
  const forget = onInterrupt(() => rmSync(dir, { recursive: true, force: true }));
  const remove = () => {
    forget();
    rmSync(dir, { recursive: true, force: true });
  };
  const fd = openSync(target, "w");
  let line = 1;
  let firstNonUtf8Line: number | null = null;
  let firstUtf8Line: number | null = null;
  let carry = Buffer.alloc(0);
  // complete lines are checked whole, so a multi-byte character never straddles two checks
  const take = (bytes: Buffer) => {
    if (firstNonUtf8Line === null || firstUtf8Line === null) {
      let start = 0;
      while (start < bytes.length && (firstNonUtf8Line === null || firstUtf8Line === null)) {
        const nl = bytes.indexOf(10, start);
        const end = nl < 0 ? bytes.length : nl + 1;
        const piece = bytes.subarray(start, end);
        if (firstHighByte(piece) >= 0) {
          if (isUtf8(piece)) firstUtf8Line ??= line;
          else firstNonUtf8Line ??= line;
        }
        line++;
        start = end;
      }
      if (start < bytes.length) line += countNewlines(bytes.subarray(start));
    } else line += countNewlines(bytes);
    writeSync(fd, decodeWindows1252(bytes));
  };
  try {
    const raw = createReadStream(path, { highWaterMark: 1 << 20 });
    const stream = gzip ? raw.pipe(createGunzip({ chunkSize: 1 << 20 })) : raw;
    if (gzip) raw.on("error", (error) => stream.destroy(error));
    for await (const chunk of stream) {
      const bytes = carry.length ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer);
      const cut = bytes.lastIndexOf(10) + 1;
      carry = Buffer.from(bytes.subarray(cut));
      if (cut) take(bytes.subarray(0, cut));
    }
    if (carry.length) take(carry);
  } catch (error) {
    closeSync(fd);
    remove();
    if (gzip) throw new InputError(gzipProblem(path, error));
    throw new InputError(`${path}: cannot be read (${(error as Error).message})`);
  }
  closeSync(fd);
  return { path: target, remove, firstNonUtf8Line, firstUtf8Line };
}
