/**
 * model.json's assignment form per clustering method: the Gaussian mixture saves its weights, means and covariances
 * and assigns by the highest posterior, so scoring its training data gives back every label (its means as nearest
 * centres, the form before, place some customers elsewhere: checked too); DBSCAN keeps the nearest centre
 * (its core points would be customers' feature vectors), and the pipeline counts and warns the customers placed
 * elsewhere. A mixture whose covariance is not positive definite is refused in one line.
 */
import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { loadConfig, PROJECT_ROOT } from "../../loaders/config.ts";
import { ensureDemoData } from "../../loaders/demo/index.ts";
import { InputError } from "../../loaders/errors.ts";
import { parseModel } from "../../loaders/model/load.ts";
import { scoreCustomers } from "../../loaders/model/score.ts";
import { runPipeline } from "../../loaders/pipeline/index.ts";

const WORK = join(PROJECT_ROOT, "test-output", "model-methods");
after(() => rmSync(WORK, { recursive: true, force: true }));
const FIXTURE = join(PROJECT_ROOT, "test", "fixtures", "time", "cohorts.csv");

const config = (data: string, clustering: Record<string, unknown>) =>
  loadConfig({
    file: null,
    data,
    env: {},
    overrides: {
      clustering: { bootstrap_runs: 0, k_max: 6, ...clustering, methods: { compare: false } },
      migration: { when: "never" },
    },
  });

describe("model.json per clustering method", () => {
  it("Gaussian mixture on the demo data: saved weights, means and covariances give back every label", async () => {
    const data = await ensureDemoData();
    const logged: string[] = [];
    const out = join(WORK, "gmm");
    const fit = await runPipeline(config(data, { method: "gmm" }), out, { log: (t) => logged.push(t) });
    const text = readFileSync(join(out, "model.json"), "utf8");
    const model = parseModel(text, "model.json");
    const a = model.clustering.assignment;
    assert.equal(a.kind, "gaussian_mixture");
    if (a.kind !== "gaussian_mixture") return;
    const d = model.features.names.length;
    assert.equal(a.weights.length, model.clustering.k);
    assert.ok(Math.abs(a.weights.reduce((s, w) => s + w, 0) - 1) < 1e-9);
    assert.ok(a.covariances.every((c) => c.length === d * d));
    // the means are the clusters' centres (cluster order)
    assert.deepEqual(
      a.centres,
      fit.segmentation.clusters.map((c) => c.centroid_scaled),
    );
    assert.deepEqual(fit.summary.model.scoring_mismatches, { segment: 0, rfm_segment: 0 });
    assert.ok(!logged.join("").includes("places"), logged.join(""));
    // scoring with the model as read back from the file: every customer in the fit's cluster
    const scored = scoreCustomers(model, fit.ingest.customers);
    const differ = scored.customers.filter((c, i) => c.cluster !== fit.segmentation.customers[i].cluster).length;
    assert.equal(differ, 0);
    // the means alone (nearest centre, model.json's form before) do not reproduce the fit
    const asCentres = {
      ...model,
      clustering: { ...model.clustering, assignment: { kind: "nearest_centre" as const, centres: a.centres } },
    };
    const elsewhere = scoreCustomers(asCentres, fit.ingest.customers).customers.filter(
      (c, i) => c.cluster !== fit.segmentation.customers[i].cluster,
    ).length;
    assert.ok(elsewhere > 0, "nearest-centre assignment differs from the mixture's somewhere");
    // summary.json does not carry the parameters (they are model.json's)
    assert.ok(!readFileSync(join(out, "summary.json"), "utf8").includes('"covariances"'));

    // a covariance that is not positive definite: one line
    const json = JSON.parse(text);
    json.clustering.assignment.covariances[0] = new Array(d * d).fill(0);
    assert.throws(
      () => parseModel(JSON.stringify(json), "model.json"),
      (e: unknown) =>
        e instanceof InputError &&
        /model\.json: not a valid model: .*not positive definite/.test(e.message) &&
        !e.message.includes("\n"),
    );
  });

  it("DBSCAN: nearest centre, the customers placed elsewhere counted and warned", async () => {
    const logged: string[] = [];
    const fit = await runPipeline(config(FIXTURE, { method: "dbscan" }), join(WORK, "dbscan"), {
      log: (t) => logged.push(t),
    });
    const model = fit.model;
    assert.equal(model.clustering.assignment.kind, "nearest_centre");
    const scored = scoreCustomers(model, fit.ingest.customers);
    const differ = scored.customers.filter((c, i) => c.cluster !== fit.segmentation.customers[i].cluster).length;
    assert.equal(fit.summary.model.scoring_mismatches.segment, differ);
    if (differ) assert.match(logged.join(""), new RegExp(`places ${differ} customer\\(s\\) in another segment`));
  });
});
