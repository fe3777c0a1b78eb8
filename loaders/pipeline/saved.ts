/**
 * The report on new data under a saved model (`npm run build -- --model FILE`): nothing is refitted. The model's
 * features, transform and scaler place every customer, its assignment (loaders/model/assign.ts) gives the cluster,
 * its segment names stay (checked against the new members with the model's trait cut-offs, so "recent" means what
 * it meant in training), its RFM thresholds and rules give the RFM segments, and its value parameters the value
 * figures (value/saved-apply.ts). The fit-only parts are left out and said: the k search (one k, the model's), the
 * bootstrap stability (it would refit) and the comparison of clustering methods (they would fit). Drift against the
 * training data is measured for the methodology page.
 */
import type { Config, SegmentRule } from "../config.ts";
import { correlationMatrix, featureColumn, toOriginalUnits, type FeatureSet } from "../cluster/features.ts";
import { clusterPosition, type BaseDistributions } from "../cluster/naming.ts";
import { clusterSizes } from "../cluster/methods/kmeans.ts";
import { calinskiHarabasz, daviesBouldin, sampledSilhouette, silhouetteSample } from "../cluster/metrics.ts";
import { pca2d } from "../cluster/pca.ts";
import { crosstab, profileClusters } from "../cluster/profile.ts";
import type { ClusterMethodName } from "../cluster/settings.ts";
import { ALL_TRAITS, groupTraitShares, type Trait, type TraitThresholds } from "../cluster/traits.ts";
import { featureTests } from "../cluster/validation.ts";
import { InputError } from "../errors.ts";
import { measureDrift, type DriftReport } from "../model/drift.ts";
import type { Model } from "../model/schema.ts";
import { modelPoints, scoreCustomers } from "../model/score.ts";
import { segmentByRfm } from "../rfm/index.ts";
import { deriveSeed } from "../stats/random.ts";
import { skewness, sortedCopy } from "../stats/quantile.ts";
import { countryChiSquare } from "../stats/tests.ts";
import type { CustomerFeatures } from "../types.ts";
import type { LogicalColumn } from "../sources/columns.ts";
import type { KSolution, SegmentationResult } from "./types.ts";
import { profileColumns } from "./segment.ts";

/** The saved model a report was built with: which, and the drift of the report's customers against its training data. */
export interface SavedModelReport {
  file: string;
  model_id: string;
  version: number;
  method: string;
  training: Model["training"];
  drift: DriftReport;
}

/** Logical columns the customer features are computed from: new data must have those the training data had. */
const FEATURE_INPUTS: readonly LogicalColumn[] = ["invoice", "quantity", "unit_price", "amount", "invoice_date"];

/** Refuses data lacking a column or feature the model needs (one line naming `data`). */
export function checkModelInputs(
  model: Model,
  data: string,
  inputColumns: readonly string[],
  customers: readonly CustomerFeatures[],
): void {
  const missing = FEATURE_INPUTS.filter((c) => model.input.input_columns.includes(c) && !inputColumns.includes(c));
  if (missing.length)
    throw new InputError(
      `${data}: no ${missing.join(", ")} column, which the model's features were computed from (it was fitted on data with ${missing.length > 1 ? "them" : "it"}); map ${missing.length > 1 ? "them" : "it"} in "columns" or refit on these data`,
    );
  if (model.input.layout === "customers" && customers.length) {
    const first = customers[0];
    const absent = model.features.names.filter((name) => !(name in first) && first.extra?.[name] === undefined);
    if (absent.length)
      throw new InputError(`${data}: no column ${absent.map((a) => `"${a}"`).join(", ")}, a feature the model needs`);
  }
}

/** The segmentation of `customers` under `model` (see the module comment), in the shape the report reads. */
export function segmentWithModel(
  customers: readonly CustomerFeatures[],
  model: Model,
  config: Config,
): SegmentationResult {
  const started = performance.now();
  const n = customers.length;
  const k = model.clustering.k;
  const scored = scoreCustomers(model, customers);
  const labels = Int32Array.from(scored.customers, (c) => c.cluster);
  const { X, transformed } = modelPoints(model, customers);
  const { columns, traitColumns } = profileColumns(customers);
  const base: BaseDistributions = {
    recency: sortedCopy(columns.recency),
    frequency: sortedCopy(columns.frequency),
    monetary: sortedCopy(columns.monetary),
  };
  // the model's RFM thresholds and rules (the same scores and segments scoreCustomers gives)
  const rfm = segmentByRfm(columns, traitColumns, base, {
    ...config.rfm,
    thresholds: model.rfm.thresholds,
    segments: model.rfm.rules as SegmentRule[],
  });
  const f = model.features;
  const featureSet: FeatureSet = {
    matrix: X,
    used: [...f.names] as FeatureSet["used"],
    dropped: [],
    // the model keeps each feature's transform, not the rule that chose it
    transform: f.transform.every((t) => t === "log1p")
      ? "log1p"
      : f.transform.every((t) => t === "none")
        ? "none"
        : "auto",
    transforms: [...f.transform],
    skew: f.names.map((feature, j) => ({
      feature,
      before: skewness(featureColumn(customers, feature)),
      transform: f.transform[j],
      after: skewness(transformed[j]),
    })),
    scaler: f.scaler,
    center: [...f.center],
    scale: [...f.scale],
    correlation: { features: [...f.names] as FeatureSet["used"], r: correlationMatrix(transformed) },
    warnings: [],
  };
  const scaled = model.clustering.assignment.centres.map((c) => [...c]);
  const profiles = profileClusters(columns, labels, k, {
    scaled,
    original: scaled.map((c) => toOriginalUnits(c, featureSet)),
  });
  const names = model.segments.map((s) => s.name);
  const thresholds = model.trait_thresholds as unknown as TraitThresholds;
  const asserted = groupTraitShares(
    labels,
    model.segments.map((s) => s.traits.map((t) => t.trait as Trait)),
    traitColumns,
    thresholds,
  );
  const every = groupTraitShares(
    labels,
    names.map(() => ALL_TRAITS),
    traitColumns,
    thresholds,
  );
  const sizes = clusterSizes(labels, k);
  const warnings: string[] = [];
  profiles.forEach((p, j) => {
    p.name = names[j];
    p.position = sizes[j] ? clusterPosition(p, base) : null;
    p.name_check = {
      ...asserted[j],
      rejected: [],
      shares: Object.fromEntries(every[j].traits.map((t) => [t.trait, t.share])) as Partial<Record<Trait, number>>,
    };
    if (!sizes[j]) warnings.push(`${names[j]}: no customer of these data falls in this segment of the saved model`);
  });
  let inertia = 0;
  for (let i = 0; i < n; i++) inertia += scored.distances[i] ** 2;
  const sample = silhouetteSample(n, config.clustering.silhouette_sample, deriveSeed(config.clustering.seed, 0x5113));
  const solution: KSolution = {
    k,
    inertia,
    silhouette: sampledSilhouette(X, labels, k, sample),
    davies_bouldin: daviesBouldin(X, labels, k),
    calinski_harabasz: calinskiHarabasz(X, labels, k),
    sizes,
    iterations: 0,
    converged: true,
    non_converged_restarts: 0,
    best_restart: 0,
    polish_iterations: 0,
    screen_sample: null,
    restarts: [],
    labels,
    names,
    profiles,
    crosstab: crosstab(labels, names, rfm.segments, rfm.order),
  };
  const customersOut = scored.customers.map((c, i) => ({
    ...c,
    r_score: rfm.scores.r[i],
    f_score: rfm.scores.f[i],
    m_score: rfm.scores.m[i],
    rfm_cell: rfm.cells[i],
    rfm_segment: rfm.segments[i],
  }));
  const reason = `k = ${k} and the segments are the saved model's (${model.model_id}, fitted on ${model.training.source} as of ${model.training.snapshot_date}): not refitted on these data`;
  return {
    n_customers: n,
    customers: customersOut,
    k,
    k_reason: reason,
    k_rule: "config",
    auto_k: k,
    k_admissible: [k],
    k_silhouette_best: null,
    k_stability_checked: [],
    elbow_k: null,
    elbow_difference: [],
    method: model.clustering.method as ClusterMethodName,
    kmeans: [solution],
    methods: [],
    method_comparison: null,
    clusters: profiles,
    rfm_segments: rfm.table,
    rfm_thresholds: rfm.scores.scoring,
    crosstab: solution.crosstab,
    validation: {
      anova: featureTests(featureSet, solution),
      country_chi2: countryChiSquare(
        labels,
        k,
        customers.map((c) => c.country),
      ),
      stability: { runs: 0, mean_ari: NaN, sd_ari: NaN, sample_size: 0, aris: [] },
      note: "The segments come from a saved model, not from a fit to these data: read F, eta squared and H as how strongly each feature separates the model's segments among these customers. No bootstrap stability: it would refit.",
    },
    pca: pca2d(X, f.names),
    features: {
      used: featureSet.used,
      dropped: [],
      transform: featureSet.transform,
      transforms: featureSet.transforms,
      skew: featureSet.skew,
      scaler: f.scaler,
      center: featureSet.center,
      scale: featureSet.scale,
      correlation: featureSet.correlation,
    },
    settings: {
      k_min: k,
      k_computed_from: k,
      k_max: k,
      restarts: 0,
      seed: model.clustering.seed,
      max_iterations: 0,
      tolerance: 0,
      silhouette_customers: sample ? sample.length : n,
    },
    warnings,
    timings: { total: Math.round((performance.now() - started) * 10) / 10 },
  };
}

/** Which model, and the drift of `customers` against its training data. */
export function savedModelReport(
  model: Model,
  file: string,
  customers: readonly CustomerFeatures[],
  config: Config,
): SavedModelReport {
  return {
    file,
    model_id: model.model_id,
    version: model.version,
    method: model.clustering.method,
    training: model.training,
    drift: measureDrift(model, scoreCustomers(model, customers), config.drift),
  };
}
