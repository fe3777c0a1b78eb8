/**
 * Reading model.json: one-line InputErrors (nothing else happens) for a missing file, a file that is not JSON or
 * not a segment-report model, a model of another schema version, or a model whose parts do not fit together.
 */
import { readFileSync, statSync } from "node:fs";
import { InputError } from "../errors.ts";
import { assignPoints } from "./assign.ts";
import { MODEL_KIND, MODEL_VERSION, modelSchema, type Model } from "./schema.ts";

/** Parses a model from its JSON text; `file` names it in messages. */
export function parseModel(text: string, file: string): Model {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InputError(`${file}: not a model file (not JSON); expected the model.json written by npm run pipeline`);
  }
  const head = json as { kind?: unknown; version?: unknown } | null;
  if (typeof head !== "object" || head === null || Array.isArray(head) || head.kind !== MODEL_KIND)
    throw new InputError(
      `${file}: not a segment-report model (no "kind": "${MODEL_KIND}"); expected the model.json written by npm run pipeline`,
    );
  if (head.version !== MODEL_VERSION)
    throw new InputError(
      `${file}: a model of schema version ${JSON.stringify(head.version)}; this version of segment-report reads version ${MODEL_VERSION}: refit it with npm run pipeline`,
    );
  const parsed = modelSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`${file}: not a valid model: ${issue.path.join(".") || "(top)"}: ${issue.message}`);
  }
  const model = parsed.data;
  const d = model.features.names.length;
  const bad = (what: string) => {
    throw new InputError(`${file}: not a valid model: ${what}`);
  };
  if (model.features.center.length !== d || model.features.scale.length !== d)
    bad(`features: ${d} names but ${model.features.center.length} centres and ${model.features.scale.length} scales`);
  if (model.features.scale.some((s) => !(s > 0))) bad("features.scale: every scale must be positive");
  const centres = model.clustering.assignment.centres;
  if (centres.length !== model.clustering.k || centres.some((c) => c.length !== d))
    bad(`clustering.assignment: expected ${model.clustering.k} centres of ${d} values`);
  const a = model.clustering.assignment;
  if (a.kind === "gaussian_mixture") {
    const size = a.covariance === "full" ? d * d : d;
    if (a.weights.length !== model.clustering.k || a.covariances.length !== model.clustering.k)
      bad(`clustering.assignment: expected ${model.clustering.k} weights and covariances`);
    if (a.covariances.some((c) => c.length !== size))
      bad(`clustering.assignment.covariances: expected ${size} values per component (${a.covariance})`);
    if (a.weights.some((w) => !(w > 0))) bad("clustering.assignment.weights: every weight must be positive");
    try {
      assignPoints(a, { data: new Float64Array(0), rows: 0, cols: d });
    } catch {
      bad("clustering.assignment.covariances: a covariance matrix is not positive definite");
    }
  }
  if (model.segments.length !== model.clustering.k || model.segments.some((s, j) => s.cluster !== j))
    bad(`segments: expected clusters 0..${model.clustering.k - 1} in order`);
  const b = model.drift_baseline;
  if (b.feature_mean.length !== d || b.feature_sd.length !== d || b.segment_shares.length !== model.clustering.k)
    bad("drift_baseline: one mean and SD per feature and one share per segment expected");
  for (const [dim, cuts] of Object.entries(model.rfm.thresholds))
    if (cuts.some((c, i) => i > 0 && c < cuts[i - 1])) bad(`rfm.thresholds.${dim}: cut points must ascend`);
  return model;
}

/** Reads and checks a model file. */
export function readModel(file: string): Model {
  let text: string;
  try {
    if (statSync(file).isDirectory())
      throw new InputError(`${file}: a folder, not a model file; give the model.json inside it`);
    text = readFileSync(file, "utf8");
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`${file}: model file cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  return parseModel(text, file);
}
