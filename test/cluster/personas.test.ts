/** The segmentation recovers the demo data's planted personas, through the project's own ingest and engine. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { loadConfig } from "../../loaders/config.ts";
import { DEMO_DIR, ensureDemoData, PERSONA_NAMES } from "../../loaders/demo/index.ts";
import { ingest } from "../../loaders/pipeline/ingest.ts";
import { adjustedRandIndex, segmentCustomers } from "../../loaders/pipeline/segment.ts";

test("K-Means at the planted number of personas recovers them on the demo data (ARI >= 0.8)", async () => {
  const data = await ensureDemoData();
  const config = loadConfig({ file: null, env: {}, data });
  const personaOf = new Map(
    readFileSync(join(DEMO_DIR, "personas.csv"), "utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((line) => line.split(",") as [string, string]),
  );
  const result = await ingest(config);
  try {
    const k = PERSONA_NAMES.length;
    const seg = await segmentCustomers(result.customers, config.rfm, {
      ...config.clustering,
      k_min: k,
      k_max: k,
      k,
      bootstrap_runs: 0,
      methods: { ...config.clustering.methods, compare: false },
    });
    const personas = result.customers.map((c) => {
      const persona = personaOf.get(c.customer_id);
      assert.ok(persona, `customer ${c.customer_id} has a planted persona`);
      return PERSONA_NAMES.indexOf(persona as (typeof PERSONA_NAMES)[number]);
    });
    const clusters = seg.customers.map((c) => c.cluster);
    const ari = adjustedRandIndex(clusters, personas);
    assert.ok(ari >= 0.8, `ARI ${ari.toFixed(3)} at k = ${k}`);
    // and the automatic rule, run over 2..10, lands on the planted number
    const auto = await segmentCustomers(result.customers, config.rfm, {
      ...config.clustering,
      bootstrap_runs: 0,
      methods: { ...config.clustering.methods, compare: false },
    });
    assert.equal(auto.k, k, auto.k_reason);
  } finally {
    result.close();
  }
});
