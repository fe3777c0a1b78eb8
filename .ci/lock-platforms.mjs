// Adds lock entries for other platforms' optional binaries (duckdb, rollup) that this network's npm registry
// mirror does not serve, so `npm install` leaves them out of package-lock.json and `npm ci` then refuses the
// lock as out of sync. Entries carry os/cpu/libc from the package name, so npm skips them on other platforms.
// Run after `npm install` changes the lock:  node .ci/lock-platforms.mjs
import { readFileSync, writeFileSync } from "node:fs";

const OS = ["aix", "android", "darwin", "freebsd", "linux", "netbsd", "openbsd", "openharmony", "sunos", "win32"];
const path = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(path, "utf8"));
let added = 0;
for (const entry of Object.values(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (lock.packages[key]) continue;
    const parts = name.split("/").pop().split("-");
    const at = parts.findIndex((part) => OS.includes(part));
    if (at < 0) continue;
    const [os, cpu, abi] = parts.slice(at);
    const platform = { version, cpu: [cpu], optional: true, os: [os] };
    if (os === "linux") platform.libc = [abi?.includes("musl") ? "musl" : "glibc"];
    lock.packages[key] = platform;
    added++;
  }
}
const sorted = Object.entries(lock.packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : 1));
lock.packages = Object.fromEntries(sorted);
writeFileSync(path, JSON.stringify(lock, null, 2) + "\n");
console.log(`lock-platforms: added ${added} optional platform entries`);
