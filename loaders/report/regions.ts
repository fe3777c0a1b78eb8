/**
 * The documented country -> region table used by the geography page. Regions are coarse on purpose: the
 * retailer is UK-based and most foreign customers are in Europe, so the split that matters is home market,
 * the Nordics, the rest of Europe (EU/EEA, Switzerland, the Channel Islands, Cyprus, Malta ...) and everywhere
 * else. Country names are matched case-insensitively after trimming; common spellings of the same country
 * (the UCI export's "EIRE", "USA", "RSA" ...) are listed. A country not in the table falls in "Other / unknown"
 * (as does "Unspecified"), so the page can say how many customers it could not place.
 */

export const REGIONS = ["United Kingdom", "Nordics", "Rest of Europe", "Outside Europe", "Other / unknown"] as const;
export type Region = (typeof REGIONS)[number];

const TABLE: Record<Exclude<Region, "Other / unknown">, string[]> = {
  "United Kingdom": [
    "United Kingdom",
    "UK",
    "U.K.",
    "Great Britain",
    "England",
    "Scotland",
    "Wales",
    "Northern Ireland",
  ],
  Nordics: ["Denmark", "Finland", "Iceland", "Norway", "Sweden", "Faroe Islands", "Greenland"],
  "Rest of Europe": [
    "Austria",
    "Belgium",
    "Bulgaria",
    "Channel Islands",
    "Croatia",
    "Cyprus",
    "Czech Republic",
    "Czechia",
    "EIRE",
    "Ireland",
    "Estonia",
    "European Community",
    "France",
    "Germany",
    "Greece",
    "Hungary",
    "Italy",
    "Latvia",
    "Liechtenstein",
    "Lithuania",
    "Luxembourg",
    "Malta",
    "Monaco",
    "Netherlands",
    "Poland",
    "Portugal",
    "Romania",
    "Slovakia",
    "Slovenia",
    "Spain",
    "Switzerland",
    "Andorra",
    "Gibraltar",
    "Isle of Man",
    "Jersey",
    "Guernsey",
    "Serbia",
    "Ukraine",
    "Turkey",
  ],
  "Outside Europe": [
    "Australia",
    "Bahrain",
    "Brazil",
    "Canada",
    "Hong Kong",
    "Israel",
    "Japan",
    "Lebanon",
    "RSA",
    "South Africa",
    "Saudi Arabia",
    "Singapore",
    "USA",
    "United States",
    "United Arab Emirates",
    "New Zealand",
    "China",
    "India",
    "Korea",
    "Nigeria",
    "West Indies",
    "Thailand",
    "Mexico",
    "Argentina",
    "Chile",
    "Egypt",
    "Qatar",
    "Kuwait",
  ],
};

const LOOKUP: Map<string, Region> = new Map(
  Object.entries(TABLE).flatMap(([region, countries]) => countries.map((c) => [c.toLowerCase(), region as Region])),
);

/**
 * The region of a country name.
 * @example regionOf("EIRE") // "Rest of Europe"
 * @example regionOf("Atlantis") // "Other / unknown"
 */
export function regionOf(country: string): Region {
  return LOOKUP.get(country.trim().toLowerCase()) ?? "Other / unknown";
}

/** The table as rows, for the methodology and geography pages. */
export function regionTable(): { region: Region; countries: string[] }[] {
  return REGIONS.map((region) => ({
    region,
    countries: region === "Other / unknown" ? ["Unspecified", "(any country not listed)"] : [...TABLE[region]].sort(),
  }));
}
