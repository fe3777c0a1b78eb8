/**
 * The settings of RFM scoring: explicit score thresholds and the named segments. Part of the configuration schema
 * (config/schema.ts); imports nothing above it.
 */
import { z } from "zod";
import { ALL_TRAITS, type Trait } from "../cluster/trait-names.ts";

const TRAITS_EXPECTED = `a list of ${ALL_TRAITS.join(", ")}`;
const RANGE = "[min, max] with 1 <= min <= max <= 5";
const range = z
  .array(z.number({ error: RANGE }), { error: RANGE })
  .refine((r) => r.length === 2 && r.every((s) => Number.isInteger(s) && s >= 1 && s <= 5) && r[0] <= r[1], {
    error: RANGE,
  })
  .transform((r) => r as [number, number])
  .meta({
    prefixItems: [
      { type: "integer", minimum: 1, maximum: 5 },
      { type: "integer", minimum: 1, maximum: 5 },
    ],
    minItems: 2,
    maxItems: 2,
  });

/** One named RFM segment: first rule (in order) whose score ranges all contain the customer's scores wins. */
const segmentRule = z.strictObject(
  {
    name: z.string({ error: "a non-empty string" }).min(1, { error: "a non-empty string" }),
    /** inclusive [min, max] score ranges, 1..5 */
    r: range.describe("inclusive [min, max] recency score range, 1..5"),
    f: range.describe("inclusive [min, max] frequency score range, 1..5"),
    m: range.describe("inclusive [min, max] monetary score range, 1..5"),
    description: z.string({ error: "a string" }),
    action: z.string({ error: "a string" }),
    traits: z
      .array(z.string(), { error: TRAITS_EXPECTED })
      .refine((list) => list.every((t) => (ALL_TRAITS as readonly string[]).includes(t)), { error: TRAITS_EXPECTED })
      .transform((list) => list as Trait[])
      .meta({ items: { enum: [...ALL_TRAITS] } })
      .optional()
      .describe("the traits the name and description assert, checked against the members"),
  },
  {
    error: (issue) =>
      issue.code === "invalid_type" ? "an object with name, r, f, m, description and action" : undefined,
  },
);

export type SegmentRule = z.output<typeof segmentRule>;

export const DEFAULT_SEGMENT_RULES: SegmentRule[] = [
  {
    name: "Champions",
    r: [4, 5],
    f: [4, 5],
    m: [4, 5],
    description: "Bought recently, buy often and spend the most.",
    traits: ["recent", "frequent", "high_spend"],
    action: "Reward them; early access to new products; ask for reviews and referrals.",
  },
  {
    name: "Loyal Customers",
    r: [3, 5],
    f: [3, 5],
    m: [3, 5],
    description: "Spend well and order often.",
    traits: ["frequent", "high_spend"],
    action: "Upsell higher-value products; loyalty programme; ask for reviews.",
  },
  {
    // closes the gap r 3-5, f 4-5, m 1-2 (frequent, recent, small baskets): without it those 12 cells were "Other"
    name: "Frequent Low Spenders",
    r: [3, 5],
    f: [4, 5],
    m: [1, 2],
    description: "Buy often and recently, but spend little in total.",
    traits: ["frequent", "recent", "low_spend"],
    action: "Grow the basket: bundles, volume discounts, cross-sell higher-value items.",
  },
  {
    name: "Potential Loyalists",
    r: [4, 5],
    f: [2, 3],
    m: [1, 5],
    description: "Recent customers with a few purchases.",
    traits: ["recent", "repeat"],
    action: "Membership or loyalty offers; recommend related products.",
  },
  {
    name: "New Customers",
    r: [5, 5],
    f: [1, 1],
    m: [1, 5],
    description: "Bought very recently, for the first time.",
    traits: ["recent", "new"],
    action: "Onboarding; build the relationship early; a second-purchase incentive.",
  },
  {
    name: "Promising",
    r: [4, 4],
    f: [1, 1],
    m: [1, 5],
    description: "Recent first-time buyers, not yet engaged.",
    traits: ["recent", "new"],
    action: "Create brand awareness; free trials or small incentives.",
  },
  {
    name: "Need Attention",
    r: [3, 3],
    f: [2, 3],
    m: [1, 5],
    description: "Not recent, with a few orders; may be slipping.",
    traits: ["not_recent", "repeat"],
    action: "Limited-time offers; recommendations based on past purchases.",
  },
  {
    name: "About to Sleep",
    r: [3, 3],
    f: [1, 1],
    m: [1, 5],
    description: "Below-average recency, few purchases.",
    traits: ["not_recent", "occasional"],
    action: "Share popular products; renewed discounts; reconnect.",
  },
  {
    name: "Can't Lose Them",
    r: [1, 2],
    f: [4, 5],
    m: [4, 5],
    description: "Used to buy often and spend a lot, but have not come back for a long time.",
    traits: ["lapsed", "frequent", "high_spend"],
    action: "Win them back with renewals or new products; talk to them; do not lose them to a competitor.",
  },
  {
    name: "At Risk",
    r: [1, 2],
    f: [3, 5],
    m: [1, 5],
    description: "Bought often some time ago; have not returned recently.",
    traits: ["lapsed", "frequent"],
    action: "Personalised reactivation emails; offers tied to past purchases.",
  },
  {
    name: "Hibernating",
    r: [2, 2],
    f: [1, 2],
    m: [1, 5],
    description: "Last purchase long ago, few orders, low spend.",
    traits: ["lapsed", "occasional", "low_spend"],
    action: "Offer other relevant products and special discounts; recreate value.",
  },
  {
    name: "Lost",
    r: [1, 1],
    f: [1, 2],
    m: [1, 5],
    description: "Last purchase longest ago, few orders.",
    traits: ["lapsed", "occasional"],
    action: "Revive interest with an outreach campaign; otherwise ignore.",
  },
];

const CUTS = "4 ascending numbers (the cut points between scores 1..5)";
const cuts = z
  .array(z.number({ error: CUTS }), { error: CUTS })
  .refine((c) => c.length === 4 && c.every((x, i) => i === 0 || x > c[i - 1]), { error: CUTS });

export const rfmSettings = z
  .strictObject({
    thresholds: z
      .strictObject(
        { recency: cuts.optional(), frequency: cuts.optional(), monetary: cuts.optional() },
        {
          error: (issue) =>
            issue.code === "unrecognized_keys"
              ? "recency, frequency or monetary"
              : issue.code === "invalid_type"
                ? "an object of recency, frequency and/or monetary cut points, or null"
                : undefined,
        },
      )
      .nullable()
      .default(null)
      .describe("explicit score thresholds (4 ascending cut points each) instead of quintiles; null = quintiles"),
    segments: z
      .array(segmentRule)
      .default(() => structuredClone(DEFAULT_SEGMENT_RULES))
      .describe("the named segments, first matching rule wins"),
  })
  .prefault({});

export type RfmConfig = z.output<typeof rfmSettings>;
