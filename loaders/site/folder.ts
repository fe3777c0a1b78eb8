/**
 * The folder `npm run build` publishes the site into (`dist/` or `--out DIR`), and the rules that keep a build
 * from removing anything it did not write. Every built site holds a marker file, `.segment-report`, listing the
 * files the build wrote; a later build replaces exactly those and leaves any other top-level entry alone.
 * Refused, each with one line: the current folder, the project or a folder holding it, anything inside `.git`,
 * the report's sources (`src/`), `node_modules/` or `.segment-cache/`, a symbolic link, an existing file, a
 * non-empty folder without the marker (not a previous report), a previous report with a file added inside one of
 * its folders, and a folder holding an input file.
 */
import { createHash } from "node:crypto";
import { existsSync, lstatSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { InputError } from "../errors.ts";
import { isInside } from "../paths.ts";
import { TEMP_PREFIX } from "../output/replace.ts";

/** The marker file of a built site. */
export const MARKER = ".segment-report";

interface Marker {
  written_by: "segment-report";
  built_at: string;
  /** every file the build wrote, relative to the site folder, `/`-separated, sorted (the marker itself apart) */
  files: string[];
  /** what the site was built from (site/inputs.ts siteStamp) */
  inputs?: string;
  /** sha256 over the paths and bytes of the files Framework's build wrote (`files` without `added`) */
  digest?: string;
  /** files added beside the site after its build (the export's report.html and report.pdf) */
  added?: string[];
}

export interface SiteFolder {
  /** the folder exists already */
  exists: boolean;
  /** top-level entries a new build replaces: the previous report's (none for a new or empty folder) */
  replaced: string[];
  /** top-level entries the build did not write (left alone) */
  foreign: string[];
}

function filesUnder(dir: string, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    return entry.isDirectory() ? filesUnder(join(dir, entry.name), rel) : [rel];
  });
}

function readMarker(path: string): Marker | null {
  try {
    const marker = JSON.parse(readFileSync(path, "utf8")) as Marker;
    return marker.written_by === "segment-report" && Array.isArray(marker.files) ? marker : null;
  } catch {
    return null;
  }
}

export interface SiteFolderContext {
  /** the folder the command was run from */
  cwd: string;
  /** the project's root */
  project: string;
  /** input files (data, configuration) that must not be inside the output */
  inputs: readonly string[];
}

/**
 * Checks that `dir` (absolute) may receive the site and says what a build would replace; throws a one-line
 * InputError naming the folder and the reason otherwise. Temporary folders of builds (`.segment-tmp-*`) are ignored.
 */
export function checkSiteFolder(dir: string, context: SiteFolderContext): SiteFolder {
  const refuse = (why: string): never => {
    throw new InputError(`--out ${dir}: ${why}; the build writes nothing there`);
  };
  if (dir === context.cwd) refuse("is the current folder; give a new or empty folder, or a previous report");
  if (isInside(context.project, dir)) refuse("holds the project itself; give a folder for the site alone");
  if (dir.split(sep).includes(".git")) refuse("is inside a .git folder");
  for (const inner of ["src", "node_modules", ".segment-cache"])
    if (isInside(dir, join(context.project, inner))) refuse(`is inside the project's ${inner}/ folder`);
  for (const input of context.inputs) if (isInside(input, dir)) refuse(`holds the input ${input}`);
  let stat;
  try {
    stat = lstatSync(dir);
  } catch {
    return { exists: false, replaced: [], foreign: [] };
  }
  if (stat.isSymbolicLink()) refuse("is a symbolic link; give the folder it points to");
  if (!stat.isDirectory()) refuse("exists and is not a folder");
  const entries = readdirSync(dir).filter((name) => !name.startsWith(TEMP_PREFIX));
  if (entries.length === 0) return { exists: true, replaced: [], foreign: [] };
  const marker = existsSync(join(dir, MARKER)) ? readMarker(join(dir, MARKER)) : null;
  if (!marker)
    refuse(
      `is not empty and is not a report built by segment-report (no ${MARKER} marker; it holds ${entries.length} ` +
        `entr${entries.length === 1 ? "y" : "ies"}, e.g. ${entries.sort()[0]}); give a new or empty folder`,
    );
  const written = new Set(marker!.files);
  const topLevel = new Set([...written].map((file) => file.split("/")[0]));
  const replaced = entries.filter((name) => name === MARKER || topLevel.has(name));
  for (const name of replaced) {
    if (name === MARKER || !lstatSync(join(dir, name)).isDirectory()) continue;
    const added = filesUnder(join(dir, name), name).find((file) => !written.has(file));
    if (added) refuse(`holds ${added}, which the previous build did not write; move it away first`);
  }
  return { exists: true, replaced, foreign: entries.filter((name) => !replaced.includes(name)) };
}

/** sha256 over the paths and bytes of `files` (relative to `dir`), or null when one of them cannot be read. */
function filesDigest(dir: string, files: readonly string[]): string | null {
  const hash = createHash("sha256");
  try {
    for (const file of files) {
      const bytes = readFileSync(join(dir, file));
      hash.update(`${file}\0${createHash("sha256").update(bytes).digest("hex")}\n`);
    }
  } catch {
    return null;
  }
  return hash.digest("hex");
}

/**
 * Writes the marker into a freshly built site folder, listing every file in it; with `inputs` (what the site was
 * built from: site/inputs.ts siteStamp), also those and a digest of the files, so that `siteIsCurrent` can tell.
 */
export function writeMarker(siteDir: string, inputs?: string): void {
  const files = filesUnder(siteDir)
    .filter((file) => file !== MARKER)
    .sort();
  const marker: Marker = {
    written_by: "segment-report",
    built_at: new Date().toISOString(),
    files,
    ...(inputs ? { inputs, digest: filesDigest(siteDir, files) ?? undefined } : {}),
  };
  writeFileSync(join(siteDir, MARKER), `${JSON.stringify(marker, null, 1)}\n`);
}

/**
 * True when the site in `dir` was built from `inputs` (site/inputs.ts siteStamp) and every file that build wrote
 * is still there, byte for byte (the digest in its marker): Framework's build would write the same site again.
 */
export function siteIsCurrent(dir: string, inputs: string): boolean {
  const marker = existsSync(join(dir, MARKER)) ? readMarker(join(dir, MARKER)) : null;
  if (!marker?.inputs || marker.inputs !== inputs || !marker.digest) return false;
  const added = new Set(marker.added ?? []);
  return (
    filesDigest(
      dir,
      marker.files.filter((file) => !added.has(file)),
    ) === marker.digest
  );
}

/** Throws when a new site's top-level entry would replace an entry of `dir` that the previous build did not write. */
export function checkNoCollision(dir: string, siteDir: string, folder: SiteFolder): void {
  const clash = readdirSync(siteDir).find((name) => folder.foreign.includes(name));
  if (clash)
    throw new InputError(
      `--out ${dir}: ${relative(process.cwd(), join(dir, clash)) || clash} was not written by segment-report and the new site has an entry of that name; move it away first`,
    );
}

/**
 * Adds `names` (files an export wrote beside the site: report.html, report.pdf) to the marker of the site in `dir`,
 * so the next build replaces them with the rest of the site instead of leaving the old export's data beside it.
 */
export function addToMarker(dir: string, names: readonly string[]): void {
  const marker = readMarker(join(dir, MARKER));
  if (!marker) return;
  marker.files = [...new Set([...marker.files, ...names])].sort();
  marker.added = [...new Set([...(marker.added ?? []), ...names])].sort();
  writeFileSync(join(dir, MARKER), `${JSON.stringify(marker, null, 1)}\n`);
}
