/**
 * model.json's schema: the JSON Schema in schemas/model.schema.json is the one the zod schema generates (run
 * `npm run schemas` after changing loaders/model/schema.ts), a model written by the pipeline passes it and carries
 * no customer, and the refusals (another version, not a model, parts that do not fit) are one line each.
 */
import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { loadConfig, PROJECT_ROOT } from "../../loaders/config.ts";
import { InputError } from "../../loaders/errors.ts";
import { parseModel } from "../../loaders/model/load.ts";
import { modelJsonSchema, MODEL_VERSION, type Model } from "../../loaders/model/schema.ts";
import { runPipeline } from "../../loaders/pipeline/index.ts";

const FIXTURE = join(PROJECT_ROOT, "test", "fixtures", "time", "cohorts.csv");
const OUT = join(PROJECT_ROOT, "test-output", "model-schema");

describe("model.json schema", () => {
  let text = "";
  let model: Model;
  before(async () => {
    const config = loadConfig({ file: null, data: FIXTURE, env: {}, overrides: { clustering: { bootstrap_runs: 2 } } });
    const result = await runPipeline(config, OUT, { log: () => {} });
    text = readFileSync(join(OUT, "model.json"), "utf8");
    model = result.model;
  });
  after(() => rmSync(OUT, { recursive: true, force: true }));

  it("schemas/model.schema.json is the schema the zod definition generates", () => {
    const file = JSON.parse(readFileSync(join(PROJECT_ROOT, "schemas", "model.schema.json"), "utf8"));
    assert.deepEqual(file, modelJsonSchema());
    assert.equal((file as { properties: { version: { const: number } } }).properties.version.const, MODEL_VERSION);
  });

  it("the pipeline's model.json parses, and holds parameters only: no customer id", () => {
    const parsed = parseModel(text, "model.json");
    assert.deepEqual(parsed, model);
    assert.equal(parsed.clustering.assignment.centres.length, parsed.clustering.k);
    assert.deepEqual(parsed.features.names, ["recency", "frequency", "monetary"]);
    assert.equal(parsed.value, null);
    const ids = readFileSync(FIXTURE, "utf8")
      .match(/,1\d{4},/g)!
      .map((s) => s.slice(1, -1));
    assert.ok(ids.length > 30);
    for (const id of new Set(ids))
      assert.ok(!text.includes(`"${id}"`) && !text.includes(id), `customer ${id} in model.json`);
  });

  it("refuses another version, a file that is not a model and parts that do not fit, in one line", () => {
    const json = JSON.parse(text);
    const cases: [string, RegExp][] = [
      [
        JSON.stringify({ ...json, version: 2 }),
        /model\.json: a model of schema version 2; this version of segment-report reads version 3/,
      ],
      ["{not json", /model\.json: not a model file \(not JSON\)/],
      [JSON.stringify({ rows_in: 3 }), /model\.json: not a segment-report model/],
      [
        JSON.stringify({ ...json, features: { ...json.features, center: [0] } }),
        /not a valid model: features: 3 names but 1 centres/,
      ],
      [JSON.stringify({ ...json, clustering: { ...json.clustering, k: 1 } }), /not a valid model: clustering\.k/],
      [JSON.stringify({ ...json, extra: 1 }), /not a valid model/],
    ];
    for (const [input, message] of cases)
      assert.throws(
        () => parseModel(input, "model.json"),
        (error: unknown) => error instanceof InputError && message.test(error.message) && !error.message.includes("\n"),
        String(message),
      );
  });
});
