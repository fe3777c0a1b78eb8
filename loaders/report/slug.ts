/**
 * URL slugs for segment names, for the parameterised route `src/segment/[segment].md` and its data files.
 * The build uses the same functions to list the pages to render (Framework's `dynamicPaths`).
 */

/**
 * A URL-safe slug for a segment name: lower case, accents removed, every run of other characters a single
 * "-", no leading or trailing "-"; "segment" when nothing is left.
 * @example segmentSlug("Can't Lose Them") // "can-t-lose-them"
 */
export function segmentSlug(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return slug || "segment";
}

/**
 * Slugs for a list of names, unique within the list: a repeated slug gets "-2", "-3" ... in list order.
 * @example uniqueSlugs(["A b", "a-b"]) // Map { "A b" => "a-b", "a-b" => "a-b-2" }
 */
export function uniqueSlugs(names: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<string>();
  for (const name of names) {
    if (out.has(name)) continue;
    const base = segmentSlug(name);
    let slug = base;
    for (let i = 2; used.has(slug); i++) slug = `${base}-${i}`;
    used.add(slug);
    out.set(name, slug);
  }
  return out;
}

/**
 * Framework's `dynamicPaths` for the report: one page per segment of the chosen k, plus the downloadable
 * customer list when it is published (a file only reachable through a link made at run time, so Framework
 * builds it only when it is listed here).
 */
export function reportDynamicPaths(segmentNames: readonly string[], publishCustomerList: boolean): string[] {
  const paths = [...uniqueSlugs(segmentNames).values()].map((slug) => `/segment/${slug}`);
  if (publishCustomerList) paths.push("/data/customer_segments.csv");
  return paths;
}
