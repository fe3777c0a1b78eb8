/**
 * The result checks run beside the timings: our RFM table against the reference's (same customers, same
 * recency and frequency, same monetary up to float summation order) and our K-Means inertia per k against
 * scikit-learn's (ours may be lower; at most `tolerance` times higher).
 */

/** Parses CSV text (RFC 4180: quoted fields with doubled quotes and line breaks inside) into rows of fields. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += ch;
  }
  if (field !== "" || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

export interface Check {
  name: string;
  /** null: could not be checked (see detail) */
  pass: boolean | null;
  detail: string;
}

export interface RfmRow {
  recency: number;
  frequency: number;
  monetary: number;
}

const RFM_HEADER = ["customer_id", "recency", "frequency", "monetary"];

/** customer_id -> RFM from a CSV whose first four columns are customer_id, recency, frequency, monetary. */
export function rfmTable(rows: string[][], label: string): Map<string, RfmRow> {
  const header = rows[0]?.slice(0, 4).map((h) => h.trim());
  if (!header || header.join(",") !== RFM_HEADER.join(",")) {
    throw new Error(`${label}: expected the first columns ${RFM_HEADER.join(",")}, found ${header?.join(",")}`);
  }
  const table = new Map<string, RfmRow>();
  for (const row of rows.slice(1)) {
    if (row.length === 1 && row[0] === "") continue;
    table.set(row[0], { recency: Number(row[1]), frequency: Number(row[2]), monetary: Number(row[3]) });
  }
  return table;
}

/** Relative difference allowed on monetary (float sums in another order differ in the last digits). */
export const MONETARY_RTOL = 1e-9;

/** RFM identical: the same customer ids, equal recency and frequency, monetary within MONETARY_RTOL. */
export function compareRfm(ours: Map<string, RfmRow>, ref: Map<string, RfmRow>): Check {
  const missing = [...ref.keys()].filter((id) => !ours.has(id));
  const extra = [...ours.keys()].filter((id) => !ref.has(id));
  let recency = 0;
  let frequency = 0;
  let monetary = 0;
  let exact = 0;
  let maxDiff = 0;
  const examples: string[] = [];
  for (const [id, r] of ref) {
    const o = ours.get(id);
    if (!o) continue;
    const diff = Math.abs(o.monetary - r.monetary);
    maxDiff = Math.max(maxDiff, diff);
    const bad: string[] = [];
    if (o.recency !== r.recency) bad.push(`recency ${o.recency} vs ${r.recency}`);
    if (o.frequency !== r.frequency) bad.push(`frequency ${o.frequency} vs ${r.frequency}`);
    if (diff > MONETARY_RTOL * Math.max(1, Math.abs(r.monetary))) bad.push(`monetary ${o.monetary} vs ${r.monetary}`);
    recency += Number(o.recency !== r.recency);
    frequency += Number(o.frequency !== r.frequency);
    monetary += Number(bad.some((b) => b.startsWith("monetary")));
    if (o.monetary === r.monetary) exact++;
    if (bad.length && examples.length < 3) examples.push(`${id}: ${bad.join(", ")}`);
  }
  const pass = missing.length === 0 && extra.length === 0 && recency + frequency + monetary === 0;
  const parts = [
    `${ours.size} customers (reference ${ref.size})`,
    missing.length ? `${missing.length} missing (e.g. ${missing.slice(0, 3).join(", ")})` : "",
    extra.length ? `${extra.length} extra (e.g. ${extra.slice(0, 3).join(", ")})` : "",
    `recency differs ${recency}, frequency ${frequency}, monetary ${monetary}`,
    `monetary bit-identical ${exact}/${ref.size - missing.length}, max |diff| ${maxDiff.toExponential(2)}`,
    examples.length ? `e.g. ${examples.join("; ")}` : "",
  ];
  return { name: "RFM identical to the reference", pass, detail: parts.filter(Boolean).join("; ") };
}

export interface InertiaRow {
  k: number;
  ours: number | null;
  reference: number | null;
  ratio: number | null;
  pass: boolean;
}

/** Inertia per k: ours / reference <= tolerance for every k the reference has. */
export function compareInertia(
  ours: readonly { k: number; inertia: number }[],
  ref: Record<string, { inertia: number }>,
  tolerance = 1.001,
): { check: Check; rows: InertiaRow[] } {
  const rows = Object.keys(ref)
    .map(Number)
    .sort((a, b) => a - b)
    .map((k): InertiaRow => {
      const reference = ref[String(k)].inertia;
      const o = ours.find((s) => s.k === k)?.inertia ?? null;
      const r = o === null ? null : o / reference;
      return { k, ours: o, reference, ratio: r, pass: r !== null && r <= tolerance };
    });
  const failing = rows.filter((r) => !r.pass);
  const worst = Math.max(...rows.map((r) => r.ratio ?? Infinity));
  const detail = failing.length
    ? `k ${failing.map((r) => `${r.k} (${r.ratio === null ? "missing" : r.ratio.toFixed(5)})`).join(", ")} above ${tolerance}`
    : `all ${rows.length} k within ${tolerance} x sklearn (worst ratio ${worst.toFixed(5)})`;
  return { check: { name: `inertia per k <= ${tolerance} x sklearn`, pass: failing.length === 0, detail }, rows };
}
