/**
 * The input file before DuckDB reads it: does it exist, is it gzipped, what is its header line. Reading the
 * header here (not through DuckDB's sniffer) lets the reader name its own columns and fail with a clear message.
 */
import { createReadStream, openSync, readSync, closeSync, statSync } from "node:fs";
import { Writable, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import type { Config } from "../config.ts";
import { InputError } from "../errors.ts";
import { decodeHeader, type Encoding } from "./encoding.ts";
import { gzipProblem } from "./gzip.ts";
import { checkReadableFile } from "../paths.ts";

export interface SourceFile {
  path: string;
  gzip: boolean;
  /** the first line, decoded (see `encoding`), without a byte order mark or line end */
  headerLine: string;
  /** the encoding the header line was decoded in: UTF-8 unless it is not valid UTF-8 or another is configured */
  encoding: Encoding;
  /** the file started with a UTF-8 byte order mark */
  bom: boolean;
}

const MAX_HEADER_BYTES = 1 << 20;

/** Compressed or archive formats a delimited-text reader cannot read, by their first bytes. */
const OTHER_FORMATS: { name: string; magic: number[]; fix: string }[] = [
  {
    name: "bzip2-compressed",
    magic: [0x42, 0x5a, 0x68],
    fix: "decompress it first (bunzip2 -k FILE) or save it gzipped",
  },
  {
    name: "xz-compressed",
    magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00],
    fix: "decompress it first (unxz -k FILE) or save it gzipped",
  },
  {
    name: "zstd-compressed",
    magic: [0x28, 0xb5, 0x2f, 0xfd],
    fix: "decompress it first (unzstd FILE) or save it gzipped",
  },
  {
    name: "zip archive",
    magic: [0x50, 0x4b, 0x03, 0x04],
    fix: "an .xlsx workbook must be named .xlsx; otherwise unzip it first",
  },
  { name: "7-Zip archive", magic: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], fix: "extract it first" },
];

/**
 * Throws an InputError naming the format when `magic` (a file's first bytes) is a compressed or archive format
 * other than gzip: read as text it gave nonsense columns. A name ending `.gz` is said to be wrong.
 */
export function checkNotOtherFormat(path: string, magic: Buffer): void {
  const other = OTHER_FORMATS.find((f) => f.magic.every((b, i) => magic[i] === b));
  if (!other) return;
  const named = /\.gz$/i.test(path) ? " although its name ends .gz (gzip)" : "";
  throw new InputError(`${path}: a ${other.name} file${named}, expected text (CSV or TSV) or gzip; ${other.fix}`);
}

export function firstBytes(path: string, n: number): Buffer {
  const fd = openSync(path, "r");
  try {
    const buffer = Buffer.alloc(n);
    const read = readSync(fd, buffer, 0, n, 0);
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/** Reads bytes from `stream` until the first line end (or 1 MiB), then stops reading. */
async function readFirstLine(stream: Readable, path: string, gzip: boolean): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  let sawLf = false;
  try {
    for await (const chunk of stream) {
      const buffer = chunk as Buffer;
      const end = buffer.indexOf(10);
      if (end >= 0) {
        chunks.push(buffer.subarray(0, end));
        sawLf = true;
        break;
      }
      chunks.push(buffer);
      size += buffer.length;
      if (size > MAX_HEADER_BYTES) break;
    }
  } catch (error) {
    if (gzip) throw new InputError(gzipProblem(path, error));
    throw new InputError(`${path}: cannot be read (${(error as Error).message})`);
  } finally {
    stream.destroy();
  }
  const bytes = Buffer.concat(chunks);
  checkCarriageReturns(path, bytes, sawLf);
  return bytes;
}

/**
 * Throws an InputError when the first line holds a carriage return followed by more text: lines ended by a
 * carriage return alone (classic Mac OS) read as one endless header line ("expected 21008 fields").
 */
function checkCarriageReturns(path: string, bytes: Buffer, sawLf: boolean): void {
  const cr = bytes.indexOf(13);
  if (cr < 0 || cr === bytes.length - 1) return;
  if (!sawLf || bytes.indexOf(13, cr + 1) >= 0)
    throw new InputError(
      `${path}: line 1: lines end with a carriage return alone (classic Mac OS line ends), expected a line feed (\\n or \\r\\n); save the file with Windows or Unix line ends (e.g. tr '\\r' '\\n' < FILE > NEW.csv)`,
    );
}

/**
 * Checks that `path` is a readable, non-empty file and reads its header line (gunzipping when the file starts with
 * the gzip magic bytes, whatever its name). Throws an InputError for a missing, empty or UTF-16 file.
 */
export async function openSource(path: string, encodingSetting: Config["encoding"] = "auto"): Promise<SourceFile> {
  checkReadableFile(path);
  const stat = statSync(path);
  if (stat.size === 0) throw new InputError(`${path}: empty file (no header line)`);
  const magic = firstBytes(path, 8);
  const gzip = magic.length >= 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  if (!gzip) checkNotOtherFormat(path, magic);
  const raw = createReadStream(path);
  const stream = gzip ? raw.pipe(createGunzip()) : raw;
  if (gzip) raw.on("error", (error) => stream.destroy(error));
  const bytes = await readFirstLine(stream, path, gzip);
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
    throw new InputError(`${path}: line 1: the file is UTF-16 encoded, expected UTF-8`);
  const decoded = decodeHeader(bytes, encodingSetting);
  let headerLine = decoded.text;
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  if (bom && decoded.encoding !== "utf-8")
    throw new InputError(
      encodingSetting === "auto"
        ? `${path}: line 1: the file starts with a UTF-8 byte order mark but its header is not valid UTF-8`
        : `${path}: line 1: the file starts with a UTF-8 byte order mark but "encoding" is set to "${encodingSetting}"`,
    );
  if (bom) headerLine = headerLine.slice(1);
  headerLine = headerLine.replace(/\r$/, "");
  if (!headerLine.trim()) throw new InputError(`${path}: empty file (no header line)`);
  return { path, gzip, headerLine, bom, encoding: decoded.encoding };
}

/**
 * Decompresses a gzip file to nowhere, checking it is complete: DuckDB reads a truncated gzip file up to where it
 * stops without complaint, which could silently drop the last lines. Runs beside DuckDB's read (zlib works on
 * libuv's thread pool). Throws an InputError for a truncated or corrupt file.
 */
export async function checkGzip(path: string): Promise<void> {
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  try {
    await pipeline(createReadStream(path, { highWaterMark: 1 << 20 }), createGunzip({ chunkSize: 1 << 20 }), sink);
  } catch (error) {
    throw new InputError(gzipProblem(path, error));
  }
}
