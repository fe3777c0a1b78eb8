/** SQL expressions over a line that the cleaning rules and the return matching share. */

/**
 * SQL: a line's value per unit: its unit price, or (an input with `columns.amount` and no unit price) its amount
 * over its units. With a unit price this is the unit price itself, so figures keep their bits.
 */
export const UNIT_VALUE = "coalesce(unit_price, revenue / quantity)";

/** SQL (both dialects): is the line's invoice a cancellation (its number starts with C, any case)? */
export const IS_CANCELLATION = "(starts_with(invoice, 'C') OR starts_with(invoice, 'c'))";
