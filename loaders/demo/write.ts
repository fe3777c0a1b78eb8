/**
 * Writes a generated demo data set to a folder: `transactions.csv.gz`, `personas.csv`, `products.csv` and a
 * `VERSION` stamp (generator version, seed, scale). The gzip is made by zlib at a fixed level; zlib writes no
 * file name and a zero modification time, so the same data gives the same bytes.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { renderPersonas, renderProducts, renderTransactions } from "./csv.ts";
import { GENERATOR_VERSION, type DemoDataset } from "./generate.ts";

export const TRANSACTIONS_FILE = "transactions.csv.gz";
export const PERSONAS_FILE = "personas.csv";
export const PRODUCTS_FILE = "products.csv";
export const VERSION_FILE = "VERSION";

/** zlib level for the transactions file: a good ratio without -9's cost. */
const GZIP_LEVEL = 6;

/** The stamp written to VERSION: one line naming the generator version, seed and scale. */
export function versionStamp(seed: number, scale: number): string {
  return `segment-report demo generator v${GENERATOR_VERSION} seed=${seed} scale=${scale}\n`;
}

/** Reads a VERSION stamp back; null when it is not one (or from another generator version). */
export function parseVersionStamp(text: string): { version: number; seed: number; scale: number } | null {
  const m = /^segment-report demo generator v(\d+) seed=(-?\d+) scale=([0-9.e+-]+)\s*$/.exec(text);
  if (!m) return null;
  const scale = Number(m[3]);
  return Number.isFinite(scale) && scale > 0 ? { version: Number(m[1]), seed: Number(m[2]), scale } : null;
}

/**
 * Gzips at a fixed level. zlib already writes no name and mtime 0; the OS byte (a compile-time constant of
 * zlib) is set to 3 (Unix) so that the header does not depend on the platform either.
 */
export function gzip(bytes: Buffer): Buffer {
  const out = gzipSync(bytes, { level: GZIP_LEVEL });
  out[9] = 3;
  return out;
}

/** The files' contents, in memory: file name -> bytes. */
export function renderDemoFiles(data: DemoDataset): Record<string, Buffer> {
  const csv = Buffer.concat(renderTransactions(data).map((chunk) => Buffer.from(chunk, "utf8")));
  return {
    [TRANSACTIONS_FILE]: gzip(csv),
    [PERSONAS_FILE]: Buffer.from(renderPersonas(data), "utf8"),
    [PRODUCTS_FILE]: Buffer.from(renderProducts(data), "utf8"),
    [VERSION_FILE]: Buffer.from(versionStamp(data.seed, data.scale), "utf8"),
  };
}

/**
 * Writes the data set's files into `dir` (created if needed) and returns the transactions file's path.
 * Each file is written under a temporary name and renamed, VERSION last, so a reader never sees half a file
 * and a stamp only ever describes complete files.
 */
export function writeDemoFiles(dir: string, data: DemoDataset): string {
  mkdirSync(dir, { recursive: true });
  const files = renderDemoFiles(data);
  const names = Object.keys(files).filter((n) => n !== VERSION_FILE);
  for (const name of [...names, VERSION_FILE]) {
    const target = join(dir, name);
    const temporary = `${target}.tmp-${process.pid}`;
    writeFileSync(temporary, files[name]);
    renameSync(temporary, target);
  }
  return join(dir, TRANSACTIONS_FILE);
}
