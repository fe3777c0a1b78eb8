/**
 * What each cluster name means and what to do about it. Cluster names come from the segmentation's fixed
 * grid (recency level x value level, loaders/cluster/naming.ts), optionally with a suffix telling apart
 * clusters of the same cell; the playbook is keyed by the grid name, so it holds for every k.
 * A segment's one-line description on the pages is computed from its own medians (`profileSentence`), the
 * qualitative meaning and the action come from here.
 */
import { formatInt, formatNumber } from "./format.ts";

export type Role = "top" | "growth" | "promising" | "cooling" | "at_risk" | "inactive" | "other";

export interface Play {
  meaning: string;
  action: string;
  /** a short paragraph for the segment page and the strategy page */
  strategy: string;
  role: Role;
}

export const PLAYBOOK: Record<string, Play> = {
  "Top-Value Active": {
    meaning: "The best customers: bought recently, buy very often and spend the most.",
    action: "Retain and reward: VIP treatment, early access to new ranges, referral requests.",
    strategy:
      "Protect this group first: it carries a disproportionate share of revenue. Give them service priority and " +
      "early access to new lines, ask for reviews and referrals, and watch for any lengthening gap between orders.",
    role: "top",
  },
  "High-Value Active": {
    meaning: "Recent, frequent, high-spending customers.",
    action: "Keep them loyal and grow them: loyalty perks, personalised recommendations, volume offers.",
    strategy:
      "Loyal and valuable, one step below the very best. Reward their loyalty, recommend products from the " +
      "categories they buy, and offer volume terms that move them towards the top group.",
    role: "top",
  },
  "Active Regulars": {
    meaning: "Recent customers with middling frequency and spend.",
    action: "Grow basket and frequency: cross-sell, bundles, volume tiers.",
    strategy:
      "They already buy and buy recently; the lever is value per customer. Recommend related products, offer " +
      "bundles and quantity breaks, and invite them into the loyalty programme.",
    role: "growth",
  },
  "Recent Starters": {
    meaning: "Recent customers with few orders and low spend so far.",
    action: "Onboard and earn the second order: welcome series, a first-repeat incentive.",
    strategy:
      "Most value is lost between the first and the second order. Send a welcome sequence, show best sellers in " +
      "the categories they bought, and make a time-limited offer for a second order.",
    role: "promising",
  },
  "Low-Value Active": {
    meaning: "Recent customers with low spend so far, most of them not new.",
    action: "Grow basket and frequency: recommendations, bundles, a repeat-order incentive.",
    strategy:
      "They buy recently but little. Recommend related products, offer bundles and a time-limited incentive for " +
      "the next order, and watch which offers lift their spend.",
    role: "promising",
  },
  "High-Value Cooling": {
    meaning: "Valuable customers whose last order is getting older.",
    action: "Re-engage before they lapse: personal reminders of favourite products.",
    strategy:
      "Still valuable but drifting. Remind them of what they bought before, tell them about new stock in those " +
      "lines, and ask account managers to get in touch with the largest accounts.",
    role: "cooling",
  },
  Middle: {
    meaning: "A mixed group: no trait of the naming grid holds for most of its members.",
    action: "Nudge upward with targeted offers on the categories they buy.",
    strategy:
      "A broad middle group: use automated, category-based recommendations and seasonal campaigns, and test which " +
      "offers move them towards the regulars.",
    role: "growth",
  },
  "Low-Value Occasional": {
    meaning: "Infrequent, low-spend customers of middling recency.",
    action: "Low-cost automated campaigns; test seasonal offers.",
    strategy:
      "Keep costs low: automated emails around the seasonal peaks, no expensive incentives until a campaign shows " +
      "they respond.",
    role: "other",
  },
  "High-Value Lapsed": {
    meaning: "Formerly valuable customers who have not ordered for a long time.",
    action: "Win them back now: personal contact, tailored offers; find out why they left.",
    strategy:
      "High past value makes reactivation worth real effort: call or write personally, offer terms tailored to " +
      "their past orders, and record why they stopped buying.",
    role: "at_risk",
  },
  Lapsed: {
    meaning: "Lapsed customers of middling value.",
    action: "Reactivation campaign with a time-limited incentive.",
    strategy:
      "Run a reactivation sequence with a time-limited incentive on products they bought before; stop after a " +
      "few attempts if they do not respond.",
    role: "at_risk",
  },
  "Low-Value Lapsed": {
    meaning: "Long-lapsed customers with few orders and low spend.",
    action: "Minimal spend: occasional automated reminders; leave out of costly campaigns.",
    strategy:
      "Little to gain per customer: keep them on low-cost automated mailings only, and use them as a control group " +
      "when testing reactivation offers.",
    role: "inactive",
  },
};

const FALLBACK: Play = {
  meaning: "A group of customers with a similar purchase pattern.",
  action: "Review the profile and choose an offer that fits it.",
  strategy: "Look at the profile, products and countries on this page to decide on a targeted offer.",
  role: "other",
};

/** The grid name of a cluster name ("Lapsed (less recent)" -> "Lapsed"). */
export function baseName(name: string): string {
  if (PLAYBOOK[name]) return name;
  const match = /^(.*) \([^()]*\)$/.exec(name);
  return match && PLAYBOOK[match[1]] ? match[1] : name;
}

/** What the data shows that some advice depends on. */
export interface AdviceSigns {
  /** a sign of business customers (wholesale-sized orders): advice about account managers and large accounts */
  business: boolean;
  /** order dates over a year or more: advice about seasonal peaks and campaigns */
  seasons: boolean;
}

/** The median order, in units, from which the customers look like businesses (a wholesaler's, not a household's). */
export const BUSINESS_MEDIAN_UNITS = 24;

/**
 * The play for a cluster name (a neutral one for names outside the grid), with advice the data cannot support
 * rewritten: no account managers without a sign of business customers, no seasonal campaigns without dates.
 */
export function playFor(name: string, signs: AdviceSigns = { business: true, seasons: true }): Play {
  const play = PLAYBOOK[baseName(name)] ?? FALLBACK;
  return { ...play, action: fitAdvice(play.action, signs), strategy: fitAdvice(play.strategy, signs) };
}

/** The advice with the parts the signs do not support replaced by ones that hold without them. */
export function fitAdvice(text: string, signs: AdviceSigns): string {
  let out = text;
  if (!signs.business)
    out = out.replace(
      /, and ask account managers to get in touch with the largest accounts\./,
      ", and contact the most valuable of them personally.",
    );
  if (!signs.seasons)
    out = out
      .replace(/ and seasonal campaigns,/, " and regular campaigns,")
      .replace(/; test seasonal offers\./, "; test which offers they answer.")
      .replace(/automated emails around the seasonal peaks/, "a few automated emails a year");
  return out;
}

/**
 * The segment's one-line description from its medians.
 * @example profileSentence({median_recency: 12, median_frequency: 9, median_monetary: 3412}, "£")
 * // "Last order a median 12 days ago; 9 orders and £3,412 spent (medians)."
 * (whole currency units from 100 up, so a large median reads "£11,271", not "£11k"); `word` "purchase" for a
 * customer-level table, whose counts are purchases
 */
export function profileSentence(
  p: { median_recency: number; median_frequency: number; median_monetary: number },
  currency: string,
  word: "order" | "purchase" = "order",
): string {
  const orders = formatNumber(p.median_frequency, Number.isInteger(p.median_frequency) ? 0 : 1);
  return (
    `Last ${word} a median ${formatInt(p.median_recency)} days ago; ${orders} ${word}${p.median_frequency === 1 ? "" : "s"} ` +
    `and ${currency}${p.median_monetary >= 100 ? formatInt(p.median_monetary) : formatNumber(p.median_monetary, 2)} spent (medians).`
  );
}
