/** The Chromium that prints the PDF: CHROMIUM_PATH, else the usual install locations. */
import { existsSync } from "node:fs";
import { InputError } from "../errors.ts";

export const CHROMIUM_LOCATIONS = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
  "/usr/bin/google-chrome-stable",
];

/** Headless, no sandbox (containers, root), nothing reaching out on its own. */
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** The path of a Chromium to drive; an InputError (one line) saying how to install one when there is none. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const wanted = env.CHROMIUM_PATH;
  if (wanted) {
    if (existsSync(wanted)) return wanted;
    throw new InputError(`CHROMIUM_PATH=${wanted}: no such file; point it at a Chromium or Chrome binary, or unset it`);
  }
  const found = CHROMIUM_LOCATIONS.find((path) => existsSync(path));
  if (found) return found;
  throw new InputError(
    `no Chromium found (looked at ${CHROMIUM_LOCATIONS.join(", ")}): install one with \`apt-get install chromium\`, or set CHROMIUM_PATH`,
  );
}
