/**
 * Loading the configuration: `segment.config.json` at the project root (or the file named by SEGMENT_CONFIG) and
 * the command line's settings, checked against the schema (config/schema.ts) once here and typed everywhere after.
 * SEGMENT_DATA overrides `data` (and a database `source`). A problem is one line naming the file, the setting and
 * what was expected.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { z } from "zod";
import { InputError } from "../errors.ts";
import { type Config, configSchema, type Settings } from "./schema.ts";
import { defaultMessage, isWholeLine, kind, resolveMessage, stripWholeLine, UNKNOWN_SETTING } from "./setting.ts";

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** `patch` over `base`: objects key by key, anything else replaced. */
function mergeJson(base: Json, patch: Json): Json {
  if (kind(base) !== "object" || kind(patch) !== "object") return patch;
  const out: JsonObject = { ...(base as JsonObject) };
  for (const [key, value] of Object.entries(patch as JsonObject))
    out[key] = Object.hasOwn(out, key) ? mergeJson(out[key], value) : value;
  return out;
}

/** `rfm.segments[0].name` */
function settingPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i ? `.${String(p)}` : String(p))).join("");
}

/** The one line of an issue: `<file>: setting "<key>" should be <expected>` (or unknown setting, or a whole line). */
function issueLine(issue: z.core.$ZodIssue, file: string, root: Record<string, unknown>): string {
  const message = resolveMessage(issue.message, root);
  if (isWholeLine(message)) return `${file}: ${stripWholeLine(message)}`;
  let path = settingPath(issue.path);
  if (issue.code === "unrecognized_keys") {
    path = settingPath([...issue.path, issue.keys[0]]);
    if (message === UNKNOWN_SETTING) return `${file}: unknown setting "${path}"`;
  }
  return `${file}: setting "${path}" should be ${message}`;
}

/** Checks settings (any JSON: defaults fill what is missing) against the schema; the first problem is an InputError. */
export function parseSettings(settings: unknown, file: string): Settings {
  const result = configSchema.safeParse(settings, { error: defaultMessage, reportInput: true });
  if (result.success) return result.data;
  const root = kind(settings) === "object" ? (settings as Record<string, unknown>) : {};
  throw new InputError(issueLine(result.error.issues[0], file, root));
}

/** Checks a configuration built in code (every setting present) and returns it with its values normalised. */
export function validateConfig(config: Config, file = config.config_file ?? "configuration"): Config {
  const { data_source, config_file, ...settings } = config;
  return { ...parseSettings(settings, file), data_source, config_file };
}

export interface LoadConfigOptions {
  /** config file; default SEGMENT_CONFIG or segment.config.json in the project root when it exists */
  file?: string | null;
  /** overrides the data file (the CLI's --data) */
  data?: string;
  env?: NodeJS.ProcessEnv;
  /** extra settings merged last (the CLI's options) */
  overrides?: Record<string, unknown>;
}

/** Reads a config file: a JSON object of settings (its `$schema`, for editors, is left out). */
function readSettings(file: string): JsonObject {
  let parsed: Json;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8").replace(/^\uFEFF/, "")); // a byte-order mark is fine
  } catch (error) {
    throw new InputError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  if (kind(parsed) !== "object") throw new InputError(`${file}: expected a JSON object of settings`);
  const { $schema: _editorSchema, ...settings } = parsed as JsonObject;
  return settings;
}

/** Loads, merges and validates the configuration. Relative data paths resolve against the project root. */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  let file = options.file === undefined ? (env.SEGMENT_CONFIG ?? null) : options.file;
  if (file === null) {
    const fallback = resolve(PROJECT_ROOT, "segment.config.json");
    file = existsSync(fallback) ? fallback : null;
  } else {
    file = resolve(file);
    if (!existsSync(file)) throw new InputError(`${file}: config file not found`);
  }
  let raw: JsonObject = {};
  let dataSource: Config["data_source"] = "default";
  if (file) {
    raw = readSettings(file);
    if ("data" in raw) dataSource = "config";
  }
  let settings = parseSettings(raw, file ?? "configuration");
  if (options.overrides) settings = parseSettings(mergeJson(raw, options.overrides as Json), "command line");
  const config: Config = { ...settings, data_source: dataSource, config_file: file };
  if (env.SEGMENT_DATA) {
    config.data = env.SEGMENT_DATA;
    dataSource = "SEGMENT_DATA";
  }
  if (options.data) {
    config.data = options.data;
    dataSource = "override";
  }
  // relative paths: from the config file's folder when set there, else from the current directory (CLI/env) or project root (default)
  const base =
    dataSource === "config" && file
      ? dirname(file)
      : dataSource === "default"
        ? PROJECT_ROOT
        : (env.INIT_CWD ?? process.cwd());
  config.data = isAbsolute(config.data) ? config.data : resolve(base, config.data);
  if (config.tables !== null) {
    const where = file ?? "configuration";
    if (dataSource !== "default")
      throw new InputError(
        `${where}: "tables" reads the data, so "data" (${dataSource === "config" ? "in the config file" : `from ${dataSource === "override" ? "the command line" : dataSource}`}) cannot be set too`,
      );
    // paths from the config file's folder; `data` names the main table in messages
    const tablesBase = file ? dirname(file) : (env.INIT_CWD ?? process.cwd());
    for (const table of Object.values(config.tables))
      if (table) table.data = isAbsolute(table.data) ? table.data : resolve(tablesBase, table.data);
    config.data = (config.tables.lines ?? config.tables.orders)!.data;
    dataSource = "config";
  }
  // a data file named on the command line or in SEGMENT_DATA is read instead of a configured database source
  if (dataSource === "SEGMENT_DATA" || dataSource === "override") config.source = null;
  config.data_source = dataSource;
  return config;
}
