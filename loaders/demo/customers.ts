/**
 * The demo's account customers: a 5-digit customer number, a persona, a country (a few have a second one),
 * whether they buy trade quantities, their favourite products and the days they place orders on.
 */
import { drawDay, PERIOD_DAYS } from "./calendar.ts";
import { CATEGORIES, type Product } from "./catalogue.ts";
import { countryShares, HOME_COUNTRY } from "./countries.ts";
import { PERSONAS, type PersonaName } from "./personas.ts";
import { cumulative, drawCumulative, type Rng } from "../stats/random.ts";

export interface Customer {
  /** 5-digit customer number (12346..18287 style) */
  id: number;
  persona: PersonaName;
  /** index into PERSONAS */
  persona_index: number;
  country: string;
  /** a second country used on some invoices (a customer who moved, or ships to a branch), or null */
  second_country: string | null;
  /** buys wholesale quantities now and then */
  wholesale: boolean;
  /** product indices the customer keeps coming back to */
  favourites: number[];
  /** days of the period with a purchase invoice, ascending (one entry per invoice) */
  order_days: number[];
}

/** Lowest and highest customer number handed out (as in the real export). */
export const CUSTOMER_ID_RANGE: [number, number] = [12346, 18287];

/** Splits `total` into whole counts proportional to `shares` (largest remainder, deterministic ties). */
export function apportion(total: number, shares: readonly number[]): number[] {
  const sum = shares.reduce((a, b) => a + b, 0);
  const exact = shares.map((s) => (total * s) / sum);
  const counts = exact.map(Math.floor);
  let left = total - counts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; left > 0; k++, left--) counts[order[k % order.length][1]]++;
  return counts;
}

/** Customer numbers: `count` distinct numbers from CUSTOMER_ID_RANGE (widened when more are needed), shuffled. */
function customerIds(rng: Rng, count: number): number[] {
  const [lo, hi] = CUSTOMER_ID_RANGE;
  const width = Math.max(hi - lo + 1, Math.ceil(count * 1.3));
  const pool = Array.from({ length: width }, (_, i) => lo + i);
  return rng.shuffle(pool).slice(0, count);
}

/**
 * Countries for the customers of each persona: exact quotas per country (so that even small countries are
 * present at the default size), shuffled within the persona. Any country left without a customer takes one
 * home-country customer of
 * the low-volume persona (lapsed or new) that favours it most.
 */
function assignCountries(rng: Rng, personaOf: number[]): string[] {
  const countries: string[] = new Array(personaOf.length);
  const used = new Set<string>();
  const sharesByPersona = PERSONAS.map((p) => {
    const shares = countryShares(p.country).map((c) => ({ ...c, share: c.share * (p.country.boost?.[c.name] ?? 1) }));
    const total = shares.reduce((a, c) => a + c.share, 0);
    return shares.map((c) => ({ name: c.name, share: c.share / total }));
  });
  PERSONAS.forEach((_, pi) => {
    const members = personaOf.flatMap((p, i) => (p === pi ? [i] : []));
    const shares = sharesByPersona[pi];
    const counts = apportion(
      members.length,
      shares.map((c) => c.share),
    );
    const labels = shares.flatMap((c, ci) => new Array<string>(counts[ci]).fill(c.name));
    rng.shuffle(labels);
    members.forEach((m, k) => {
      countries[m] = labels[k];
      used.add(labels[k]);
    });
  });
  const home = sharesByPersona[0][0].name;
  for (const [ci, c] of sharesByPersona[0].entries()) {
    if (used.has(c.name) || ci === 0) continue;
    // a one-off buyer from far away: the low-volume persona that favours the country most
    const best = sharesByPersona
      .map((s, pi) => [PERSONAS[pi].name === "lapsed" || PERSONAS[pi].name === "new" ? s[ci].share : -1, pi] as const)
      .sort((a, b) => b[0] - a[0] || a[1] - b[1])[0][1];
    const victim = personaOf.findIndex((p, i) => p === best && countries[i] === home);
    if (victim >= 0) {
      countries[victim] = c.name;
      used.add(c.name);
    }
  }
  return countries;
}

/** The days of a customer's purchase invoices: the last one set by the persona's recency, the rest before it. */
function orderDays(rng: Rng, personaIndex: number): number[] {
  const persona = PERSONAS[personaIndex];
  const orders = persona.drawOrders(rng);
  const recency = PERIOD_DAYS - 1 - persona.drawRecency(rng);
  const last = drawDay(rng, recency - 1, recency + 1);
  const days = [last];
  if (orders > 1) {
    const target = persona.drawFirstDay(rng, last);
    const first = drawDay(rng, target - 1, target + 1);
    days.push(Math.min(first, last));
    for (let k = 2; k < orders; k++) days.push(drawDay(rng, Math.min(first, last), last));
  }
  return days.sort((a, b) => a - b);
}

/** Favourite products: drawn by the persona's category taste and the products' popularity. */
function favourites(rng: Rng, cum: Float64Array, count: number): number[] {
  const chosen = new Set<number>();
  for (let tries = 0; chosen.size < count && tries < count * 5; tries++) chosen.add(drawCumulative(rng, cum));
  return [...chosen];
}

/**
 * Builds `count` account customers: personas in their planted shares (exact counts, shuffled), then each
 * customer's country, trade status, favourites and order days.
 */
export function makeCustomers(rng: Rng, count: number, products: readonly Product[]): Customer[] {
  const personaCounts = apportion(
    count,
    PERSONAS.map((p) => p.share),
  );
  const personaOf = rng.shuffle(personaCounts.flatMap((n, pi) => new Array<number>(n).fill(pi)));
  const ids = customerIds(rng.fork("ids"), count);
  const countries = assignCountries(rng.fork("countries"), personaOf);
  const foreignCountries = [...new Set(countries)].filter((c) => c !== HOME_COUNTRY).sort();
  const tasteCum = PERSONAS.map((p) =>
    cumulative(products.map((pr) => pr.popularity * p.categories[pr.category_index])),
  );
  const detail = rng.fork("detail");
  if (CATEGORIES.length !== PERSONAS[0].categories.length) throw new Error("persona category weights out of step");
  return personaOf.map((pi, i) => {
    const persona = PERSONAS[pi];
    const country = countries[i];
    const home = country === HOME_COUNTRY;
    let second: string | null = null;
    if (detail.chance(0.01)) {
      second = home
        ? detail.pick(["Channel Islands", "EIRE", "France", "Germany"])
        : detail.chance(0.5)
          ? HOME_COUNTRY
          : detail.pick(foreignCountries);
      if (second === country) second = null;
    }
    return {
      id: ids[i],
      persona: persona.name,
      persona_index: pi,
      country,
      second_country: second,
      wholesale: detail.chance(persona.wholesale + (home ? 0 : 0.2)),
      favourites: favourites(detail, tasteCum[pi], detail.between(15, 60)),
      order_days: orderDays(detail, pi),
    };
  });
}
