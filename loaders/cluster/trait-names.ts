/** Every trait, in the order the methodology page lists their definitions (defined in traits.ts); at the bottom so
 * settings can name them. */
export const ALL_TRAITS = [
  "recent",
  "not_recent",
  "lapsed",
  "new",
  "frequent",
  "repeat",
  "occasional",
  "high_spend",
  "low_spend",
] as const;

export type Trait = (typeof ALL_TRAITS)[number];
