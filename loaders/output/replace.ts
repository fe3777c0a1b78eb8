/**
 * Output folders replaced all-or-nothing. New content is written into a temporary folder made inside the output
 * folder itself (so only the output folder needs to be writable, never its parent, and every rename stays on one
 * file system), then swapped in: the entries being replaced are first moved aside into a second temporary folder,
 * the new entries moved in, and only then the old ones removed. Any failure on the way moves everything back, so a
 * run leaves either the old set or the new set, never a mix.
 */
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { InputError } from "../errors.ts";
import { removeLeftovers } from "../processes.ts";

/** Names of the temporary folders inside an output folder. */
export const TEMP_PREFIX = ".segment-tmp-";

const ACCESS_CODES = new Set(["EACCES", "EPERM", "EROFS"]);

/** An OS error on an output path as one line (permission, read-only file system, full disk), else the error itself. */
export function outputError(path: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException).code ?? "";
  if (ACCESS_CODES.has(code))
    return new InputError(
      `${path}: cannot write the output folder (${code === "EROFS" ? "read-only file system" : "permission denied"})`,
    );
  if (code === "ENOSPC" || code === "EDQUOT")
    return new InputError(`${path}: no space left on the device for the output`);
  if (code === "ENOTDIR") return new InputError(`${path}: a part of the output path is a file, expected folders`);
  return error;
}

/** Removes temporary folders in `dir` that a killed run left (named with its process id, which no longer runs). */
export function removeStale(dir: string): void {
  removeLeftovers(dir, /^\.segment-tmp-(\d+)-/);
}

/**
 * Creates `dir` if needed and a temporary folder inside it for the new content (`.segment-tmp-<pid>-...`; such
 * folders of runs that were killed and no longer run are removed first); OS failures (a read-only or
 * non-writable folder) become one-line InputErrors naming `dir`. Returns the temporary folder.
 */
export function makeStaging(dir: string): string {
  try {
    mkdirSync(dir, { recursive: true });
    removeStale(dir);
    const temp = mkdtempSync(join(dir, `${TEMP_PREFIX}${process.pid}-`));
    chmodSync(temp, 0o755); // mkdtemp makes it private; folders moved out of it keep their own modes
    return temp;
  } catch (error) {
    throw outputError(dir, error);
  }
}

/**
 * Moves every entry of `staging` (a folder made by makeStaging inside `dir`) into `dir`, replacing the entries
 * named in `replaced` (old entries that are not in the new set are removed too); other entries of `dir` are left
 * alone. All or nothing: on any failure the old entries are restored and the error is rethrown (OS errors as
 * one-line InputErrors). `staging` is removed in every case.
 */
export function swapIn(dir: string, staging: string, replaced: readonly string[]): void {
  const incoming = readdirSync(staging);
  const movedAside: string[] = [];
  const movedIn: string[] = [];
  let aside: string | null = null;
  try {
    aside = mkdtempSync(join(dir, `${TEMP_PREFIX}${process.pid}-`));
    for (const name of new Set([...replaced, ...incoming])) {
      if (!exists(join(dir, name))) continue;
      renameSync(join(dir, name), join(aside, name));
      movedAside.push(name);
    }
    for (const name of incoming) {
      renameSync(join(staging, name), join(dir, name));
      movedIn.push(name);
    }
  } catch (error) {
    for (const name of movedIn.reverse()) renameSync(join(dir, name), join(staging, name));
    for (const name of movedAside.reverse()) renameSync(join(aside!, name), join(dir, name));
    if (aside) rmSync(aside, { recursive: true, force: true });
    rmSync(staging, { recursive: true, force: true });
    throw outputError(dir, error);
  }
  rmSync(aside, { recursive: true, force: true });
  rmSync(staging, { recursive: true, force: true });
}

/** Removes `staging` and, when the run created it and it is now empty, `dir` itself. */
export function discardStaging(dir: string, staging: string, createdDir: boolean): void {
  rmSync(staging, { recursive: true, force: true });
  if (createdDir && existsSync(dir) && readdirSync(dir).length === 0) rmSync(dir, { recursive: true, force: true });
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes `content` to `path` through a temporary file, so a failure never leaves half a file: on any failure (full
 * disk, read-only file system, `path` a folder) the temporary file is removed and the error is one line.
 */
export function writeFileWhole(path: string, content: string | Buffer): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    if (existsSync(path) && statSync(path).isDirectory())
      throw new InputError(`${path}: is a folder; move it away so the export can write this file`);
    writeFileSync(temporary, content);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    const line = outputError(path, error);
    if (line instanceof InputError) throw line;
    throw new InputError(`${path}: cannot be written (${(error as Error).message.split("\n")[0]})`);
  }
}
