/** What went wrong with a gzip file, in words a user can act on (shared by the readers that gunzip). */
import { closeSync, openSync, readSync } from "node:fs";

/** True when `path` starts with a well-formed gzip member header (magic bytes, deflate, no reserved flags). */
function gzipHeaderValid(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    const head = Buffer.alloc(4);
    const n = readSync(fd, head, 0, 4, 0);
    return n === 4 && head[0] === 0x1f && head[1] === 0x8b && head[2] === 8 && (head[3] & 0xe0) === 0;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * A gzip failure as a message naming what is wrong: cut short; followed by bytes that are not gzip (trailing junk:
 * zlib fails on a header check although the file's first header is sound, so the failing header is after the
 * first member); or damaged.
 */
export function gzipProblem(path: string, error: unknown): string {
  const message = (error as Error)?.message ?? String(error);
  if (/unexpected end of file/i.test(message))
    return `${path}: the gzip data stops early: the file is truncated (a download or copy cut short?)`;
  if (/incorrect header check|unknown compression method|invalid header/i.test(message) && gzipHeaderValid(path))
    return (
      `${path}: the gzip data is followed by bytes that are not gzip (trailing junk after the compressed data);` +
      ` remove them (gzip -dc FILE > FILE.csv keeps the data and warns) and read the result`
    );
  return `${path}: not a valid gzip file (damaged compressed data: ${message.split("\n")[0]})`;
}
