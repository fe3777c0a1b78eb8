/**
 * Returns matched to purchases, and revenue net of them. Each cancellation line with a customer, dated inside the
 * window (the `returns` view: line-sql.ts IS_RETURN), returns units of the same customer's same stock code: they are
 * matched to that customer's kept purchase lines of the code at or before the cancellation's time, the most recent
 * purchase first (file order breaks ties between lines of the same time), each capped at what is left of it after
 * earlier returns; cancellations are taken in time order. Units that find no purchase (returns of something bought
 * before the data starts, discounts, postage refunds ...) are counted as unmatched and reduce nothing. A matched
 * unit is valued at the purchase line's unit price.
 *
 * The matches are the table `return_matches` (purchase line, return line, customer, units, value) and the
 * per-customer table `customer_returns` (units returned; units netted off the customer's lines), whatever the
 * revenue basis: return rates come from them. Under the net basis (with cancellations dropped) the matched units
 * are written into `transactions.returned`, the `lines` view shows quantity and revenue net of them, a purchase
 * line netted to zero units is set aside as `returned`, and every line of a customer whose net revenue is zero or
 * less as `fully_returned`.
 */
import type { Config } from "../config.ts";
import type { SqlDatabase } from "../db/database.ts";
import type { SqlDialect } from "../db/dialect.ts";
import { IS_CANCELLATION, IS_RETURN, UNIT_VALUE } from "./line-sql.ts";

/** What the matching found and what it did to revenue. */
export interface ReturnAccounting {
  /** "net" when the kept lines were netted, "gross" when not (the gross basis, or cancellations kept as lines) */
  basis: "net" | "gross";
  /** revenue of the kept purchase lines before netting (set-aside customers included) */
  gross_revenue: number;
  /** value of the matched returns (units x the purchase line's unit price) */
  returned_revenue: number;
  /** revenue of the analysed lines: gross - returned - the set-aside customers' net revenue under the net basis */
  net_revenue: number;
  /** cancellation lines with a customer */
  return_lines: number;
  /** of them, lines matched (wholly or partly) to an earlier purchase */
  matched_lines: number;
  matched_units: number;
  /** return lines with no earlier purchase to match (counted, reduce nothing) */
  unmatched_lines: number;
  /** units without a purchase to match (the unmatched lines' and the unmatched part of partly matched lines) */
  unmatched_units: number;
  /** their value at the cancellation line's unit price */
  unmatched_value: number;
  /** customers set aside, by reason: customers, their lines, and their summed net revenue */
  set_aside: { fully_returned: { customers: number; lines: number; net_revenue: number } };
}

/** A line taking part in the matching: a purchase (kind 0) or a return (kind 1), with its position in the file. */
interface MatchLine {
  row: bigint | number;
  kind: number;
  customer_id: string;
  stock_code: string;
  quantity: number;
  unit_price: number;
}

/** One match: `units` of the purchase line `purchase` returned by the return line `ret`. */
export interface ReturnMatch {
  purchase: bigint | number;
  ret: bigint | number;
  customer_id: string;
  units: number;
  value: number;
}

/**
 * Matches returns to purchases (pure): `lines` sorted by customer, stock code, time, kind (purchases first) and
 * file position. Within a customer and stock code, a purchase goes on a stack; a return takes units from the top
 * of the stack (the most recent purchase) down, each purchase capped at what is left of it.
 * @example matchReturns([buy(1, 5), buy(2, 3), ret(3, -4)]) // [{purchase: 2n, units: 3}, {purchase: 1n, units: 1}]
 */
export function matchReturns(lines: readonly MatchLine[]): {
  matches: ReturnMatch[];
  matched_lines: number;
  unmatched_lines: number;
  unmatched_units: number;
  unmatched_value: number;
} {
  const matches: ReturnMatch[] = [];
  let matchedLines = 0;
  let unmatchedLines = 0;
  let unmatchedUnits = 0;
  let unmatchedValue = 0;
  let stack: { line: MatchLine; left: number }[] = [];
  let group = "";
  for (const line of lines) {
    const key = `${line.customer_id}\u0000${line.stock_code}`;
    if (key !== group) {
      group = key;
      stack = [];
    }
    if (line.kind === 0) {
      stack.push({ line, left: line.quantity });
      continue;
    }
    let want = -line.quantity;
    let took = false;
    for (let i = stack.length - 1; i >= 0 && want > 0; i--) {
      const entry = stack[i];
      const take = Math.min(entry.left, want);
      if (take <= 0) continue;
      entry.left -= take;
      want -= take;
      took = true;
      matches.push({
        purchase: entry.line.row,
        ret: line.row,
        customer_id: line.customer_id,
        units: take,
        value: take * entry.line.unit_price,
      });
    }
    if (took) matchedLines++;
    else unmatchedLines++;
    if (want > 0) {
      unmatchedUnits += want;
      unmatchedValue += want * line.unit_price;
    }
  }
  return {
    matches,
    matched_lines: matchedLines,
    unmatched_lines: unmatchedLines,
    unmatched_units: unmatchedUnits,
    unmatched_value: unmatchedValue,
  };
}

/**
 * SQL: the lines taking part in the matching, in matching order (only customer x codes that have a return; stock
 * codes compared by code point in both engines). The purchases are joined to the distinct pairs (a hash join;
 * as a correlated EXISTS, DuckDB's plan took 4 s of the 4.1 s this query took at 1M lines).
 */
export function matchLinesSql(d: SqlDialect, unordered = false): string {
  const id = d.rowId;
  const sql = `
WITH pairs AS (SELECT DISTINCT customer_id, stock_code FROM transactions WHERE ${IS_RETURN})
SELECT line_id AS row, kind, customer_id, stock_code, quantity, ${UNIT_VALUE} AS unit_price, invoice_date FROM (
  SELECT transactions.${id} AS line_id, 0 AS kind, customer_id, stock_code, quantity, unit_price, revenue, invoice_date
  FROM transactions JOIN pairs USING (customer_id, stock_code)
  WHERE drop_reason IS NULL AND NOT ${IS_CANCELLATION} AND quantity > 0
  UNION ALL
  SELECT ${id} AS line_id, 1 AS kind, customer_id, stock_code, quantity, unit_price, revenue, invoice_date FROM transactions
  WHERE ${IS_RETURN}) match_lines`;
  return unordered
    ? sql
    : `${sql}
ORDER BY ${d.binary("customer_id")}, ${d.binary("stock_code")}, invoice_date, kind, line_id`;
}

/** SQL window: the events of one customer x stock code, in matching order. */
const EVENTS = "PARTITION BY customer_id, stock_code ORDER BY seq";

/** The matching's counts, as `matchReturns` gives them. */
type MatchCounts = Omit<ReturnType<typeof matchReturns>, "matches">;

/**
 * The matching done in the database (no line leaves it): the same stack as `matchReturns`, in closed form. Per
 * customer x stock code, events in matching order; the stock height after each is `H = P - min(0, running min of
 * P)` for the running total `P` of units (purchases add theirs, a return takes its units, never below zero). A
 * purchase holds the heights (H - q, H]; a later return gets the units between its own height and the lowest
 * height from the purchase to just before it. Every step is a window partitioned by customer (and code), so a
 * database distributed by customer id runs it on its workers (README "Scaling out"). Exact for whole units, where
 * every height is an integer; with a fractional quantity among the lines it returns null (the stack runs here).
 * Writes `return_matches` and returns the counts.
 */
export async function matchInDatabase(db: SqlDatabase): Promise<MatchCounts | null> {
  const d = db.dialect;
  const running = `${EVENTS} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW`;
  await db.run(
    d.createTable(
      "return_events",
      `SELECT *, p - least(0, min(p) OVER (${running})) AS h FROM (
         SELECT *, sum(delta) OVER (${running}) AS p FROM (
           SELECT "row" AS line_id, kind, customer_id, stock_code, quantity, unit_price,
             CASE WHEN kind = 0 THEN quantity ELSE least(quantity, 0) END AS delta,
             row_number() OVER (PARTITION BY customer_id, stock_code ORDER BY invoice_date, kind, "row") AS seq
           FROM (${matchLinesSql(d, true)}) m) numbered) totals`,
    ),
  );
  try {
    return await matchEvents(db);
  } finally {
    // a working table only (the stage cache keeps every table of the database)
    await db.run(d.name === "postgres" ? "DROP TABLE IF EXISTS pg_temp.return_events;" : "DROP TABLE return_events");
  }
}

/** The matches and counts from the table `return_events` (see matchInDatabase); null with a fractional quantity. */
async function matchEvents(db: SqlDatabase): Promise<MatchCounts | null> {
  const d = db.dialect;
  const [{ fractional }] = await db.query<{ fractional: number }>(
    `SELECT count(*)::INTEGER AS fractional FROM return_events WHERE quantity <> floor(quantity)`,
  );
  if (fractional) return null;
  await db.run(
    d.createTable(
      "return_matches",
      `SELECT purchase_row, return_row, customer_id, units, units * unit_price AS value FROM (
         SELECT i.line_id AS purchase_row, k.line_id AS return_row, k.customer_id, k.kind, i.unit_price,
           least(i.h, coalesce(min(k.h) OVER (PARTITION BY i.customer_id, i.stock_code, i.line_id ORDER BY k.seq
             ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), i.h)) - greatest(i.h - i.delta, k.h) AS units
         FROM return_events i JOIN return_events k
           ON k.customer_id = i.customer_id AND k.stock_code = i.stock_code AND k.seq > i.seq
         WHERE i.kind = 0) pairs
       WHERE kind = 1 AND units > 0`,
    ),
  );
  // per return: the units it wanted, the units it took (the fall of the height), in matching order
  const order = `${d.binary("customer_id")}, ${d.binary("stock_code")}, seq`;
  const [counts] = await db.query<{ matched: number; unmatched: number; units: number; value: number }>(
    `SELECT count(*) FILTER (WHERE taken > 0)::INTEGER AS matched, count(*) FILTER (WHERE NOT taken > 0)::INTEGER AS unmatched,
       coalesce(${orderedSum(d, "CASE WHEN wanted - taken > 0 THEN wanted - taken END", order)}, 0) AS units,
       coalesce(${orderedSum(d, "CASE WHEN wanted - taken > 0 THEN (wanted - taken) * unit_price END", order)}, 0) AS value
     FROM (SELECT customer_id, stock_code, seq, kind, unit_price, -quantity AS wanted,
             coalesce(lag(h) OVER (${EVENTS}), 0) - h AS taken FROM return_events) e
     WHERE kind = 1`,
  );
  return {
    matched_lines: counts.matched,
    unmatched_lines: counts.unmatched,
    unmatched_units: counts.units,
    unmatched_value: counts.value,
  };
}

/** SQL: the sum of `x` added in the order `order`, one after another (as a loop here adds them; db/dialect.ts sum). */
function orderedSum(d: SqlDialect, x: string, order: string): string {
  return d.name === "duckdb"
    ? `list_sum(list(${x} ORDER BY ${order}) FILTER (WHERE ${x} IS NOT NULL))`
    : `sum(${x} ORDER BY ${order})`;
}

async function one(db: SqlDatabase, sql: string): Promise<Record<string, unknown>> {
  return (await db.query(sql))[0];
}

/**
 * Matches the returns, writes `return_matches` and `customer_returns`, and under the net basis nets the kept
 * lines and sets aside `returned` lines and `fully_returned` customers (drop reasons in `transactions`, which needs
 * the column `returned DOUBLE`). Call before counting the accounting. Sums are ordered (db/dialect.ts: the same bits
 * every run, in either engine). The matching itself runs here, over the lines of the customer x stock codes that
 * have a return (a stack per pair); only those lines leave the database, and only the matches go back.
 */
export async function applyReturns(
  db: SqlDatabase,
  config: Pick<Config, "revenue" | "cleaning">,
  table = "transactions",
): Promise<Omit<ReturnAccounting, "net_revenue">> {
  if (table !== "transactions") throw new Error("applyReturns works on the table transactions");
  const d = db.dialect;
  let found = await matchInDatabase(db);
  if (!found) {
    const matched = matchReturns(await db.query<MatchLine>(matchLinesSql(d)));
    await db.load(
      "return_matches",
      [
        { name: "purchase_row", type: "bigint" },
        { name: "return_row", type: "bigint" },
        { name: "customer_id", type: "text" },
        { name: "units", type: "double" },
        { name: "value", type: "double" },
      ],
      matched.matches.map((m) => [m.purchase, m.ret, m.customer_id, m.units, m.value]),
    );
    found = matched;
  }
  const netted = config.revenue === "net" && config.cleaning.drop_cancellations;
  const sum = d.sum;
  return (async () => {
    if (netted) {
      // joined on the customer as well as the line (a purchase line is its return's customer's): a join on the
      // customer id keeps the rows of a table distributed by it on their worker (README "Scaling out")
      await db.run(`
        UPDATE transactions SET returned = m.units
        FROM (SELECT customer_id, purchase_row, ${sum("units")} AS units FROM return_matches
              GROUP BY customer_id, purchase_row) m
        WHERE transactions.customer_id = m.customer_id AND transactions.${d.rowId} = m.purchase_row`);
      await db.run(
        `UPDATE transactions SET drop_reason = 'returned' WHERE returned IS NOT NULL AND quantity - returned <= 0`,
      );
      await db.run(`
        UPDATE transactions SET drop_reason = 'fully_returned'
        WHERE (drop_reason IS NULL OR drop_reason = 'returned') AND customer_id IN (
          SELECT customer_id FROM transactions
          WHERE (drop_reason IS NULL OR drop_reason = 'returned') AND customer_id IS NOT NULL
          GROUP BY customer_id
          HAVING coalesce(${sum(`CASE WHEN drop_reason IS NULL THEN (quantity - coalesce(returned, 0)) * ${UNIT_VALUE} END`)}, 0) <= 0)`);
    }
    await db.run(
      d.createTable(
        "customer_returns",
        `SELECT customer_id, ${sum("units")} AS units, ${netted ? sum("units") : `0::${d.double}`} AS netted
      FROM return_matches WHERE customer_id NOT IN (SELECT customer_id FROM transactions WHERE drop_reason = 'fully_returned')
      GROUP BY customer_id ORDER BY ${d.binary("customer_id")}`,
      ),
    );
    const totals = await one(
      db,
      `SELECT coalesce(${sum("revenue")}, 0) AS gross,
         coalesce(${sum(`CASE WHEN drop_reason = 'fully_returned' THEN (quantity - coalesce(returned, 0)) * ${UNIT_VALUE} END`)}, 0) AS aside_net,
         count(DISTINCT CASE WHEN drop_reason = 'fully_returned' THEN customer_id END)::${d.double} AS aside_customers,
         count(CASE WHEN drop_reason = 'fully_returned' THEN 1 END)::${d.double} AS aside_lines
       FROM transactions WHERE (drop_reason IS NULL OR drop_reason IN ('returned', 'fully_returned'))
         AND NOT ${IS_CANCELLATION}`,
    );
    const returned = await one(
      db,
      `SELECT coalesce(${sum("value")}, 0) AS value, coalesce(${sum("units")}, 0) AS units FROM return_matches`,
    );
    return {
      basis: netted ? "net" : "gross",
      gross_revenue: totals.gross as number,
      returned_revenue: returned.value as number,
      return_lines: found.matched_lines + found.unmatched_lines,
      matched_lines: found.matched_lines,
      matched_units: returned.units as number,
      unmatched_lines: found.unmatched_lines,
      unmatched_units: found.unmatched_units,
      unmatched_value: found.unmatched_value,
      set_aside: {
        fully_returned: {
          customers: totals.aside_customers as number,
          lines: totals.aside_lines as number,
          net_revenue: totals.aside_net as number,
        },
      },
    };
  })();
}
