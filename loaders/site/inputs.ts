/**
 * What a built site depends on, hashed, so that `npm run build` can tell that the site already in the output folder
 * is the one Framework would build again (loaders/cli/build.ts skips Framework's build then), and the tests can reuse
 * a shared build (test/support/build.ts). The site depends on the report data (named by its fingerprint, which
 * covers the data, the settings and every TypeScript file under `loaders/`) and on `siteInputs()`.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { PROJECT_ROOT } from "../config.ts";

/**
 * What a site is built from besides the report data: every file of the pages, components and loaders in `src/`
 * (Framework's own cache, `src/.observablehq`, apart), the Framework config, every file under `loaders/` that is not
 * TypeScript (the report data's fingerprint already covers the .ts; `site/emit.js` runs inside Framework's data
 * loaders) and the installed version of every dependency (Framework, d3, Plot, ...), read from node_modules rather
 * than package.json.
 */
export function siteInputs(root = PROJECT_ROOT): { files: string[]; packages: string[] } {
  const files: string[] = [];
  const walk = (dir: string, take: (name: string) => boolean): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (entry.name === ".observablehq") continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path, take);
      else if (take(entry.name)) files.push(path);
    }
  };
  walk(join(root, "src"), () => true);
  files.push(join(root, "observablehq.config.ts"));
  walk(join(root, "loaders"), (name) => !name.endsWith(".ts"));
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const packages = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies })
    .sort()
    .map((name) => {
      const installed = join(root, "node_modules", name, "package.json");
      return `${name}@${existsSync(installed) ? JSON.parse(readFileSync(installed, "utf8")).version : "absent"}`;
    });
  return { files, packages };
}

/** sha256 over siteInputs(): the files' paths and bytes, and the installed packages' versions. */
export function siteSourceHash(root = PROJECT_ROOT): string {
  const hash = createHash("sha256");
  const { files, packages } = siteInputs(root);
  for (const path of files) hash.update(relative(root, path)).update("\0").update(readFileSync(path));
  for (const name of packages) hash.update(`${name}\n`);
  return hash.digest("hex");
}

/** The stamp of a site built from the report data `reportFingerprint` and the project's site sources at `root`. */
export function siteStamp(reportFingerprint: string, root = PROJECT_ROOT): string {
  return createHash("sha256")
    .update(`report ${reportFingerprint}\nsite ${siteSourceHash(root)}\n`)
    .digest("hex");
}
