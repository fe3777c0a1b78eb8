/**
 * Countries of the demo's customers: a UK-based shop whose foreign trade is mostly with its European
 * neighbours, with a long tail of distant, occasional buyers. Names are spelt as in the UCI export ("EIRE",
 * "USA", "RSA", "Unspecified" ...).
 */

export const HOME_COUNTRY = "United Kingdom";

/** Foreign countries and their relative weight among foreign customers, plus whether they are in Europe. */
export const FOREIGN_COUNTRIES: readonly { name: string; weight: number; europe: boolean }[] = [
  { name: "Germany", weight: 95, europe: true },
  { name: "France", weight: 88, europe: true },
  { name: "Spain", weight: 31, europe: true },
  { name: "Belgium", weight: 25, europe: true },
  { name: "Switzerland", weight: 21, europe: true },
  { name: "Portugal", weight: 19, europe: true },
  { name: "Italy", weight: 15, europe: true },
  { name: "Finland", weight: 12, europe: true },
  { name: "Austria", weight: 11, europe: true },
  { name: "Norway", weight: 10, europe: true },
  { name: "Netherlands", weight: 9, europe: true },
  { name: "Australia", weight: 9, europe: false },
  { name: "Channel Islands", weight: 9, europe: true },
  { name: "Denmark", weight: 9, europe: true },
  { name: "Cyprus", weight: 8, europe: true },
  { name: "Sweden", weight: 8, europe: true },
  { name: "Japan", weight: 8, europe: false },
  { name: "Poland", weight: 6, europe: true },
  { name: "USA", weight: 4, europe: false },
  { name: "Canada", weight: 4, europe: false },
  { name: "Unspecified", weight: 4, europe: false },
  { name: "Israel", weight: 4, europe: false },
  { name: "Greece", weight: 4, europe: true },
  { name: "EIRE", weight: 4, europe: true },
  { name: "Malta", weight: 2, europe: true },
  { name: "United Arab Emirates", weight: 2, europe: false },
  { name: "Bahrain", weight: 2, europe: false },
  { name: "Lithuania", weight: 1, europe: true },
  { name: "Iceland", weight: 1, europe: true },
  { name: "Singapore", weight: 1, europe: false },
  { name: "Hong Kong", weight: 1, europe: false },
  { name: "Czech Republic", weight: 1, europe: true },
  { name: "Brazil", weight: 1, europe: false },
  { name: "Lebanon", weight: 1, europe: false },
  { name: "RSA", weight: 1, europe: false },
  { name: "European Community", weight: 1, europe: true },
  { name: "Saudi Arabia", weight: 1, europe: false },
];

/**
 * How one persona's customers spread over countries: the home share, and a tilt of the foreign weights
 * (above 1 favours European neighbours, below 1 the far-away tail).
 */
export interface CountryMix {
  home_share: number;
  europe_tilt: number;
}

/** Share of each country (home first, then FOREIGN_COUNTRIES order) for a persona's mix; sums to 1. */
export function countryShares(mix: CountryMix): { name: string; share: number }[] {
  const foreign = FOREIGN_COUNTRIES.map((c) => c.weight * (c.europe ? mix.europe_tilt : 1));
  const total = foreign.reduce((a, b) => a + b, 0);
  return [
    { name: HOME_COUNTRY, share: mix.home_share },
    ...FOREIGN_COUNTRIES.map((c, i) => ({ name: c.name, share: ((1 - mix.home_share) * foreign[i]) / total })),
  ];
}

/** Countries the dotcom (guest checkout, no customer number) orders come from, with weights. */
export const GUEST_COUNTRIES: readonly { name: string; weight: number }[] = [
  { name: HOME_COUNTRY, weight: 985 },
  { name: "EIRE", weight: 4 },
  { name: "Hong Kong", weight: 3 },
  { name: "Unspecified", weight: 3 },
  { name: "France", weight: 2 },
  { name: "Switzerland", weight: 1 },
  { name: "Israel", weight: 1 },
  { name: "Portugal", weight: 1 },
];
