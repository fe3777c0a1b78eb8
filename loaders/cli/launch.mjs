/**
 * `node loaders/cli/launch.mjs NAME [args]`: runs the command-line entry `loaders/cli/NAME.ts` in plain node,
 * from one bundled JavaScript file (esbuild) instead of through tsx, which compiles every TypeScript module at each
 * start (about 2 s of CPU time for the pipeline's 200 modules, against 0.1 s for node itself).
 *
 * The bundle is `.segment-cache/cli/NAME.mjs`, beside `NAME.inputs.json`: the size and modification time of every
 * file that went into it. It is rebuilt (about 0.3 s) when any of them changed, so an edited module is always
 * what runs. Packages stay outside the bundle (imported from node_modules as usual). The bundle sits two folders
 * below the project root, as `loaders/config/load.ts` does, so the project root it derives is the same.
 * Concurrent starts each write their own temporary file and rename it: the bundle is never half written. If the
 * bundle cannot be written (a read-only checkout), the entry runs through tsx as before.
 * Beside the entry, the worker thread of the k search (loaders/cluster/fit-worker.ts) is bundled the same way, as
 * `.segment-cache/cli/fit-worker.mjs`; both run bundled or both through tsx.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const ENTRIES = ["pipeline", "score", "demo", "schema", "build", "export"];

/** The stamp of one input: size and modification time. */
function stamp(path) {
  const s = statSync(path);
  return `${s.size}:${s.mtimeMs}`;
}

/** Whether the recorded inputs of a bundle are all unchanged. */
export function upToDate(inputsFile, root = ROOT) {
  if (!existsSync(inputsFile)) return false;
  let recorded;
  try {
    recorded = JSON.parse(readFileSync(inputsFile, "utf8"));
  } catch {
    return false;
  }
  if (recorded.node !== process.version) return false;
  try {
    return Object.entries(recorded.inputs).every(([file, was]) => stamp(join(root, file)) === was);
  } catch {
    return false; // an input is gone
  }
}

/** The worker thread of the k search (loaders/cluster/pool.ts), bundled beside every entry. */
const WORKER = { name: "fit-worker", entry: "loaders/cluster/fit-worker.ts" };

/** Bundles `entry` (default `loaders/cli/NAME.ts`) into `outFile` and records its inputs in `inputsFile`. */
export async function bundle(name, outFile, inputsFile, root = ROOT, entry = `loaders/cli/${name}.ts`) {
  const { build } = await import("esbuild");
  const result = await build({
    entryPoints: [join(root, entry)],
    // metafile paths are relative to this folder
    absWorkingDir: root,
    bundle: true,
    platform: "node",
    format: "esm",
    target: `node${process.versions.node.split(".")[0]}`,
    packages: "external",
    write: false,
    metafile: true,
    logLevel: "silent",
    outfile: outFile,
  });
  const inputs = Object.fromEntries(
    Object.keys(result.metafile.inputs).map((file) => {
      const rel = relative(root, resolve(root, file));
      return [rel, stamp(join(root, rel))];
    }),
  );
  mkdirSync(dirname(outFile), { recursive: true });
  const tmp = `${outFile}.${process.pid}.tmp`;
  writeFileSync(tmp, result.outputFiles[0].contents);
  renameSync(tmp, outFile);
  const tmpInputs = `${inputsFile}.${process.pid}.tmp`;
  writeFileSync(tmpInputs, JSON.stringify({ entry, node: process.version, inputs }) + "\n");
  renameSync(tmpInputs, inputsFile);
}

async function main() {
  const [name, ...args] = process.argv.slice(2);
  if (!ENTRIES.includes(name)) {
    process.stderr.write(`launch: expected one of ${ENTRIES.join(", ")}, got ${JSON.stringify(name ?? "")}\n`);
    process.exit(2);
  }
  // the entry reads its arguments from process.argv, as when started directly
  process.argv = [process.argv[0], join(ROOT, "loaders", "cli", `${name}.ts`), ...args];
  const dir = join(ROOT, ".segment-cache", "cli");
  const outFile = join(dir, `${name}.mjs`);
  const workerFile = join(dir, `${WORKER.name}.mjs`);
  const ready = (
    await Promise.all(
      [
        [name, outFile, `loaders/cli/${name}.ts`],
        [WORKER.name, workerFile, WORKER.entry],
      ].map(async ([bundleName, file, entry]) => {
        const inputsFile = join(dir, `${bundleName}.inputs.json`);
        if (upToDate(inputsFile) && existsSync(file)) return true;
        try {
          await bundle(bundleName, file, inputsFile, ROOT, entry);
          return true;
        } catch {
          return false;
        }
      }),
    )
  ).every(Boolean);
  if (ready) {
    // the k search starts its worker threads from this bundle (loaders/cluster/pool.ts)
    globalThis.__segmentFitWorker = workerFile;
    await import(pathToFileURL(outFile).href);
    return;
  }
  const { register } = await import("tsx/esm/api");
  register();
  await import(pathToFileURL(join(ROOT, "loaders", "cli", `${name}.ts`)).href);
}

// run when started as a program (the tests import the functions above)
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
