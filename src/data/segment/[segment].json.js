import { emitCurrent } from "../../../loaders/site/emit.js";
const slug = process.argv.find((arg) => arg.startsWith("--segment="))?.slice("--segment=".length) ?? "";
emitCurrent(`segment/${/^[a-z0-9-]+$/.test(slug) ? slug : "invalid"}.json`);
