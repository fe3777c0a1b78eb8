/**
 * Segment migration (`"migration"` in the configuration): every customer's features as of `days_before` days
 * before the snapshot, scored with the same model, against today's segments. `when`: "auto" (the default) runs it
 * when the kept lines span at least twice `days_before` days; "always" runs it whenever there are lines before the
 * earlier date; "never" leaves it out. Customer-level tables (no dated lines) never have it.
 */
import { z } from "zod";

export const migrationSettings = z
  .strictObject({
    days_before: z.int().min(1).default(90),
    when: z.enum(["auto", "always", "never"]).default("auto"),
  })
  .default({ days_before: 90, when: "auto" });

export type MigrationSettings = z.infer<typeof migrationSettings>;

export const DEFAULT_MIGRATION: MigrationSettings = migrationSettings.parse(undefined);
