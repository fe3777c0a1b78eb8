/** SQL expressions over a line that the cleaning rules and the return matching share. */

/**
 * SQL: a line's value per unit: its unit price, or (an input with `columns.amount` and no unit price) its amount
 * over its units. With a unit price this is the unit price itself, so figures keep their bits.
 */
export const UNIT_VALUE = "coalesce(unit_price, revenue / quantity)";

/** SQL (both dialects): is the line's invoice a cancellation (its number starts with C, any case)? */
export const IS_CANCELLATION = "(starts_with(invoice, 'C') OR starts_with(invoice, 'c'))";

/**
 * SQL: a return line, a cancellation with a customer dated inside the window (a line dated outside it is
 * `implausible_date`, whatever else it is): the `returns` view's lines, and the ones the return matching takes. A
 * return dated after the window is not matched: the migration's earlier cut (pipeline/ingest.ts customersBefore)
 * ends the window the day before its date, and a return made after that date must not net the purchases the
 * customers had made by then.
 */
export const IS_RETURN = `${IS_CANCELLATION} AND customer_id IS NOT NULL AND drop_reason IS DISTINCT FROM 'implausible_date'`;
