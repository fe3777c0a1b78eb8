/**
 * Checks on the paths the tool reads and writes, each failing with one line: an input file that is missing, a
 * folder or unreadable; an output that would overwrite an input.
 */
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { relative, isAbsolute } from "node:path";
import { InputError } from "./errors.ts";

/** True when both paths exist and are the same file (same device and inode: symbolic and hard links count). */
export function sameFile(a: string, b: string): boolean {
  try {
    const sa = statSync(a);
    const sb = statSync(b);
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false;
  }
}

/** True when `path` is `folder` or lies inside it (both absolute, already resolved). */
export function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/**
 * Throws a one-line InputError unless `path` is a regular file (not a named pipe, socket or device, which would
 * block or never end; not a loop of symbolic links) this process can read (tries to read a byte, so
 * a permission or I/O failure shows here rather than as a stack trace deep in a reader). `source` says where the
 * path came from, e.g. "set by SEGMENT_DATA".
 */
export function checkReadableFile(path: string, source = ""): void {
  const where = source ? ` (${source})` : "";
  let stat;
  try {
    stat = statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ELOOP")
      throw new InputError(`${path}: is a loop of symbolic links, expected a data file${where}`);
    throw new InputError(`${path}: file not found${where}`);
  }
  if (stat.isDirectory()) throw new InputError(`${path}: is a directory, expected a CSV or TSV file${where}`);
  // a FIFO, socket or device would block or never end: only a regular file is read
  if (!stat.isFile())
    throw new InputError(
      `${path}: is not a regular file (${stat.isFIFO() ? "a named pipe" : stat.isSocket() ? "a socket" : "a device"}), expected a data file${where}`,
    );
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    readSync(fd, Buffer.alloc(1), 0, 1, 0);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "EACCES" || code === "EPERM" ? "permission denied" : (error as Error).message;
    throw new InputError(`${path}: cannot be read (${why})${where}`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
