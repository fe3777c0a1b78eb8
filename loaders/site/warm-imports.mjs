/**
 * Framework's own bundling of the pages' node_modules imports, run by `npm run build` beside its report data
 * (loaders/site/warm.ts): `node warm-imports.mjs ROOT SPEC...` bundles each SPEC as Framework's build would, with
 * Framework's own function, into ROOT/.observablehq/cache/_node. Plain JavaScript run by node. A SPEC that fails
 * is left to Framework's build, which says what is wrong with it.
 */
import { resolveNodeImport } from "@observablehq/framework/dist/node.js";

const [root, ...specs] = process.argv.slice(2);
// Framework logs each bundle to stdout; its build reports the failures
await Promise.allSettled(specs.map((spec) => resolveNodeImport(root, spec)));
