/**
 * The published JSON Schema of `segment.config.json` (segment.config.schema.json at the project root, written by
 * `npm run schema`), derived from the configuration schema so that an editor completes and checks the keys a config
 * file may hold. A config file names it with `"$schema"`, which the loader accepts and leaves out.
 */
import { join } from "node:path";
import { format, resolveConfig } from "prettier";
import { z } from "zod";
import { PROJECT_ROOT } from "./load.ts";
import { configSchema } from "./schema.ts";

export const JSON_SCHEMA_FILE = "segment.config.schema.json";

/** The JSON Schema of a config file: the settings as written (defaults optional), plus the `$schema` key. */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  const properties = schema.properties as Record<string, unknown>;
  return {
    $schema: schema.$schema,
    title: "segment-report configuration (segment.config.json)",
    description:
      "Settings of the customer segmentation report; every key is optional (the defaults are shown). Written by `npm run schema` from loaders/config/schema.ts: do not edit.",
    ...schema,
    properties: {
      $schema: { type: "string", description: "the JSON Schema of this file, for editors (ignored by the loader)" },
      ...properties,
    },
  };
}

/** The file's text: the schema as JSON, formatted as the project's other files (prettier). */
export async function configJsonSchemaText(): Promise<string> {
  const options = (await resolveConfig(join(PROJECT_ROOT, JSON_SCHEMA_FILE))) ?? {};
  return format(JSON.stringify(configJsonSchema()), { ...options, parser: "json" });
}
