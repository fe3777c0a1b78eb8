/**
 * `npm run schema`: writes segment.config.schema.json (the JSON Schema of segment.config.json, for editors) at the
 * project root from the configuration schema, and prints one line saying so. A test fails when the file is stale.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../config.ts";
import { configJsonSchemaText, JSON_SCHEMA_FILE } from "../config/json-schema.ts";
import { runCli } from "../errors.ts";

await runCli(async () => {
  writeFileSync(join(PROJECT_ROOT, JSON_SCHEMA_FILE), await configJsonSchemaText());
  process.stdout.write(`segment-report: wrote ${JSON_SCHEMA_FILE}\n`);
});
