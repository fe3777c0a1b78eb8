/**
 * The configuration schema: every stage's settings (defined beside the stage, `loaders/<stage>/settings.ts`)
 * assembled into one zod object, from which the TypeScript types, the defaults, the validation messages and the
 * published JSON Schema (segment.config.schema.json, `npm run schema`) all derive. A stage's settings are one line
 * here: `value: valueSettings`. Bottom layer: imports zod and the settings modules only.
 */
import { z } from "zod";
import { cleaningSettings, revenueSettings } from "../clean/settings.ts";
import { checkFeatures, clusteringSettings } from "../cluster/settings.ts";
import { reportSettings } from "../report/settings.ts";
import { rfmSettings } from "../rfm/settings.ts";
import { checkSourceSettings, sourceSettings } from "../sources/settings.ts";
import { driftSettings } from "../model/settings.ts";
import { migrationSettings } from "../time/settings.ts";
import { valueSettings } from "../value/settings.ts";

export const configSchema = z
  .strictObject({
    ...sourceSettings,
    ...revenueSettings,
    cleaning: cleaningSettings,
    rfm: rfmSettings,
    clustering: clusteringSettings,
    report: reportSettings,
    value: valueSettings,
    migration: migrationSettings,
    drift: driftSettings,
  })
  .superRefine((settings, ctx) => {
    // the checks of settings against each other; the first issue is the one reported
    checkSourceSettings(settings, ctx);
    const features = checkFeatures(settings.clustering.features, settings.layout);
    if (features) ctx.addIssue({ code: "custom", path: ["clustering", "features"], message: features });
  });

/** The settings a configuration file may hold, after defaults. */
export type Settings = z.output<typeof configSchema>;

/** The whole configuration: the settings and where they came from. */
export type Config = Settings & {
  /** where `data` came from, for messages */
  data_source: "default" | "config" | "SEGMENT_DATA" | "override";
  /** the config file read, or null when only defaults apply */
  config_file: string | null;
};

/** Every setting at its default. */
export const DEFAULT_CONFIG: Settings = configSchema.parse({});
