import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { z } from "zod";
import { configSchema, DEFAULT_CONFIG, loadConfig, PROJECT_ROOT } from "../../loaders/config.ts";
import { configJsonSchema, configJsonSchemaText, JSON_SCHEMA_FILE } from "../../loaders/config/json-schema.ts";

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema | false;
  prefixItems?: JsonSchema[];
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  required?: string[];
};

const SCHEMA_PATH = join(PROJECT_ROOT, JSON_SCHEMA_FILE);
const published = JSON.parse(readFileSync(SCHEMA_PATH, "utf8")) as JsonSchema;

/** The example configurations: the test fixtures' config files and the README's JSON examples that name the schema. */
function exampleConfigs(): { name: string; file: string; config: Record<string, unknown> }[] {
  const fixtures = ["test/fixtures/customers/marketing.config.json", "test/fixtures/hostile/segment.config.json"].map(
    (path) => ({
      name: path,
      file: join(PROJECT_ROOT, path),
      config: JSON.parse(readFileSync(join(PROJECT_ROOT, path), "utf8")),
    }),
  );
  const readme = readFileSync(join(PROJECT_ROOT, "README.md"), "utf8");
  const blocks = [...readme.matchAll(/```json\n([\s\S]*?)```/g)]
    .map((m) => m[1])
    .filter((b) => b.includes('"$schema"'));
  return [
    ...fixtures,
    ...blocks.map((block, i) => ({
      name: `README example ${i + 1}`,
      file: join(PROJECT_ROOT, "segment.config.json"),
      config: JSON.parse(block),
    })),
  ];
}

function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

/** What an editor checks: kinds, allowed values and keys (no library: the keywords the published schema uses). */
function editorProblems(value: unknown, schema: JsonSchema, at: string): string[] {
  if (schema.anyOf) {
    const each = schema.anyOf.map((s) => editorProblems(value, s, at));
    return each.some((p) => p.length === 0) ? [] : each.flat();
  }
  const problems: string[] = [];
  const type = jsonType(value);
  const types = schema.type === undefined ? null : [schema.type].flat();
  if (types && !types.includes(type) && !(type === "integer" && types.includes("number")))
    return [`${at}: ${type}, expected ${types.join(" or ")}`];
  if (schema.enum && !schema.enum.includes(value)) problems.push(`${at}: ${JSON.stringify(value)} not in the enum`);
  if ("const" in schema && schema.const !== value) problems.push(`${at}: ${JSON.stringify(value)} is not the const`);
  if (type === "object") {
    const object = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!(key in object)) problems.push(`${at}.${key}: required`);
    for (const [key, sub] of Object.entries(object)) {
      const property = schema.properties?.[key];
      if (property) problems.push(...editorProblems(sub, property, `${at}.${key}`));
      else if (schema.additionalProperties === false) problems.push(`${at}.${key}: not a known key`);
    }
  }
  if (type === "array")
    (value as unknown[]).forEach((item, i) => {
      const sub = schema.prefixItems?.[i] ?? schema.items;
      if (sub) problems.push(...editorProblems(item, sub, `${at}[${i}]`));
    });
  return problems;
}

test("segment.config.schema.json is the schema's JSON Schema as generated now (run npm run schema when this fails)", async () => {
  assert.equal(readFileSync(SCHEMA_PATH, "utf8"), await configJsonSchemaText());
});

test("the JSON Schema's keys are the zod schema's keys, at the top and in every section", () => {
  const keys = Object.keys(configSchema.shape);
  assert.deepEqual(keys, Object.keys(DEFAULT_CONFIG));
  assert.deepEqual(Object.keys(published.properties!).sort(), ["$schema", ...keys].sort());
  assert.equal(published.additionalProperties, false);
  for (const [key, value] of Object.entries(DEFAULT_CONFIG)) {
    if (value === null || typeof value !== "object" || Array.isArray(value) || key === "columns") continue;
    assert.deepEqual(Object.keys(published.properties![key].properties!).sort(), Object.keys(value).sort(), key);
  }
  // the logical columns an editor offers are the ones the two layouts take
  assert.ok(Object.keys(published.properties!.columns.properties!).includes("invoice"));
  assert.ok(Object.keys(published.properties!.columns.properties!).includes("responses"));
  assert.deepEqual(configJsonSchema(), published);
});

test("every example config names the schema, passes an editor's check against it, and loads", () => {
  const examples = exampleConfigs();
  assert.ok(examples.length >= 6, `${examples.length} examples`);
  for (const { name, file, config } of examples) {
    assert.equal(typeof config.$schema, "string", `${name} names the schema`);
    assert.equal(resolve(dirname(file), config.$schema as string), SCHEMA_PATH, `${name}: $schema is the file's path`);
    assert.deepEqual(editorProblems(config, published, "config"), [], name);
  }
  for (const { name, file } of examples.slice(0, 2)) assert.ok(existsSync(file) && loadConfig({ file, env: {} }), name);
});

test("the editor's check is not a rubber stamp: a misspelt key, a wrong kind and a wrong value are found", () => {
  assert.deepEqual(editorProblems({ clustering: { restart: 3 } }, published, "config"), [
    "config.clustering.restart: not a known key",
  ]);
  assert.deepEqual(editorProblems({ report: { title: 3 } }, published, "config"), [
    "config.report.title: integer, expected string",
  ]);
  assert.equal(editorProblems({ revenue: "both" }, published, "config").length, 1);
  assert.equal(editorProblems({ clustering: { k: 2.5 } }, published, "config").length, 2);
  assert.deepEqual(editorProblems({ clustering: { k: "auto" } }, published, "config"), []);
});

test("the loader takes $schema and leaves it out; the zod schema refuses it like any unknown key", () => {
  const config = loadConfig({ file: join(PROJECT_ROOT, "test/fixtures/hostile/segment.config.json"), env: {} });
  assert.equal(config.clustering.k_max, 4);
  assert.ok(!("$schema" in config));
  assert.equal(z.safeParse(configSchema, { $schema: "x" }).success, false);
});

test("the schema is a bottom layer: it and the settings it assembles import only zod and each other", () => {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const [, path] of readFileSync(file, "utf8").matchAll(/from "(\.{1,2}\/[^"]+)"/g))
      visit(resolve(dirname(file), path));
  };
  visit(join(PROJECT_ROOT, "loaders/config/schema.ts"));
  const files = [...seen].map((f) => f.slice(join(PROJECT_ROOT, "loaders/").length)).sort();
  assert.deepEqual(
    files.filter((f) => !/^(config\/(schema|setting)\.ts|\w+\/settings\.ts|cluster\/trait-names\.ts)$/.test(f)),
    [],
  );
  assert.ok(files.includes("sources/settings.ts") && files.includes("cluster/settings.ts"), files.join(", "));
});
