import { emit } from "../../../loaders/artifacts.ts";
const slug = process.argv.find((arg) => arg.startsWith("--segment="))?.slice("--segment=".length) ?? "";
await emit(`segment/${/^[a-z0-9-]+$/.test(slug) ? slug : "invalid"}.json`);
