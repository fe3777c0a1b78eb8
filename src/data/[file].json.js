// The one data loader for the pages' JSON files (FileAttachment("data/<file>.json")): prints the file the build
// computed (loaders/site/emit.js); which files exist is set by the page registry, loaders/report/registry.ts.
import { emitCurrent } from "../../loaders/site/emit.js";
const file = process.argv.find((arg) => arg.startsWith("--file="))?.slice("--file=".length) ?? "";
emitCurrent(`${/^[a-z0-9_-]+$/.test(file) ? file : "invalid"}.json`);
