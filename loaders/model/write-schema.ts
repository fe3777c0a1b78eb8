/** `npm run schemas`: writes schemas/model.schema.json from the model's zod schema (loaders/model/schema.ts). */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../config.ts";
import { modelJsonSchema } from "./schema.ts";

export const MODEL_SCHEMA_FILE = join(PROJECT_ROOT, "schemas", "model.schema.json");

writeFileSync(MODEL_SCHEMA_FILE, `${JSON.stringify(modelJsonSchema(), null, 2)}\n`);
process.stdout.write(`wrote ${MODEL_SCHEMA_FILE}\n`);
