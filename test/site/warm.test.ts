/**
 * A cold build's head start on Framework (loaders/site/warm.ts): the pages' bare imports are found in every form a
 * page or component writes them; the child bundles them with Framework's own function, byte for byte what
 * Framework writes into its cache itself; finished files are moved into the cache, never over a file already there;
 * a warm cache is left alone.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { after, describe, it } from "node:test";
import { PROJECT_ROOT } from "../../loaders/config.ts";
import { bareImports, moveNew, warmFrameworkImports } from "../../loaders/site/warm.ts";

// inside the project, so that the child finds node_modules as Framework does
const root = join(PROJECT_ROOT, "test-output", "warm");
rmSync(root, { recursive: true, force: true });
after(() => rmSync(root, { recursive: true, force: true }));

function write(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();

describe("warming Framework's cache of node_modules imports", () => {
  it("finds the bare imports of pages and components, not paths, npm: or node: ones", () => {
    const src = join(root, "forms", "src");
    write(src, {
      "index.md": '```js\nimport * as d3 from "d3";\nimport {sankey} from "d3-sankey";\n```\n',
      "components/a.js":
        'import {\n  html,\n  svg\n} from "htl";\nimport "isoformat";\nconst m = await import("d3-cloud");\n',
      "components/b.js":
        'import {x} from "./x.js";\nimport y from "/y.js";\nimport z from "npm:zod";\nimport fs from "node:fs";\n',
      ".observablehq/cache/c.js": 'import w from "not-a-page";\n',
    });
    assert.deepEqual(bareImports(src), ["d3", "d3-cloud", "d3-sankey", "htl", "isoformat"]);
    // the report's own pages
    const ours = bareImports(join(PROJECT_ROOT, "src"));
    for (const name of ["d3", "d3-sankey", "d3-cloud", "@observablehq/inputs"]) assert.ok(ours.includes(name), name);
  });

  it("moves new files whole and never over a file already there", () => {
    const from = join(root, "move", "from");
    const to = join(root, "move", "to");
    write(from, { "a@1/index.js": "new a", "b@1/index.js": "new b" });
    write(to, { "a@1/index.js": "old a" });
    assert.equal(moveNew(from, to), 1);
    assert.equal(readFileSync(join(to, "a@1", "index.js"), "utf8"), "old a");
    assert.equal(readFileSync(join(to, "b@1", "index.js"), "utf8"), "new b");
  });

  it("bundles as Framework does, into a cold cache only, and leaves no folder of its own", async () => {
    const project = join(root, "project");
    write(join(project, "src"), { "index.md": '```js\nimport {sankey} from "d3-sankey";\n```\n' });
    assert.ok((await warmFrameworkImports(project)) > 0, "files were added");
    const cache = join(project, "src", ".observablehq", "cache", "_node");
    // Framework's own bundling of the same import, into another project's cache
    const other = join(root, "framework");
    mkdirSync(join(other, "src"), { recursive: true });
    const framework = "@observablehq/framework/dist/node.js"; // (no type declarations)
    const { resolveNodeImport } = (await import(framework)) as {
      resolveNodeImport: (root: string, spec: string) => Promise<string>;
    };
    await resolveNodeImport(join(other, "src"), "d3-sankey");
    const expected = join(other, "src", ".observablehq", "cache", "_node");
    assert.deepEqual(filesUnder(cache), filesUnder(expected));
    assert.ok(filesUnder(cache).includes(join("d3-sankey@0.12.3", "index.js")), filesUnder(cache).join(", "));
    for (const name of filesUnder(cache))
      assert.ok(readFileSync(join(cache, name)).equals(readFileSync(join(expected, name))), name);
    assert.deepEqual(
      readdirSync(join(project, "src", ".observablehq")).filter((n) => n.startsWith("warm-")),
      [],
      "its working folder is gone",
    );
    // a warm cache: nothing to do
    assert.equal(await warmFrameworkImports(project), 0);
    assert.ok(existsSync(cache));
  });
});
