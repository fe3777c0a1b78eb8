/**
 * The wording of configuration errors, shared by every stage's settings (`loaders/<stage>/settings.ts`). A zod
 * issue's message is what was expected ("a positive integer"); the loader (config/load.ts) turns the first issue into
 * the one line `<file>: setting "<key.path>" should be <expected>`. Bottom layer: imports zod only.
 */
import { z } from "zod";

/** The JSON kind of a value: "null", "array", "object", "string", "number", "boolean". */
export function kind(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
}

/** A message that is the whole line after the file name (not "setting ... should be ..."). */
const WHOLE_LINE = "\u0001";
export function wholeLine(message: string): string {
  return WHOLE_LINE + message;
}
export function isWholeLine(message: string): boolean {
  return message.startsWith(WHOLE_LINE);
}
export function stripWholeLine(message: string): string {
  return message.slice(WHOLE_LINE.length);
}

/** The message of an unrecognised key when its schema names none: `unknown setting "<key.path>"`. */
export const UNKNOWN_SETTING = "\u0002unknown";

/** Messages that depend on other settings (k's range names k_max): a marker resolved against the whole input. */
const contextual = new Map<string, (root: Record<string, unknown>) => string>();
export function dependsOnOthers(message: (root: Record<string, unknown>) => string): string {
  const marker = `\u0003${contextual.size}`;
  contextual.set(marker, message);
  return marker;
}
/** The final text of a message: a contextual one computed from the whole input (raw settings, before defaults). */
export function resolveMessage(message: string, root: Record<string, unknown>): string {
  return contextual.get(message)?.(root) ?? message;
}

/** The default wording of an issue that its schema does not word: types as "a boolean, got string". */
export function defaultMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === "unrecognized_keys") return UNKNOWN_SETTING;
  if (issue.code === "invalid_type") {
    const expected = String(issue.expected);
    return `${/^[aeiou]/.test(expected) ? "an" : "a"} ${expected}, got ${kind(issue.input)}`;
  }
  return undefined;
}

/**
 * One of a few strings: a string that is not one of them is `expected`; any other kind is "a string, got ...".
 * @example oneOf(["net", "gross"], '"net" or "gross"')
 */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T, expected: string) {
  return z.enum(values, {
    error: (issue) => (typeof issue.input === "string" ? expected : `a string, got ${kind(issue.input)}`),
  });
}

/** A string with at least one character; any other value is `expected`. */
export function nonEmpty(expected: string) {
  return z.string({ error: expected }).min(1, { error: expected });
}

/**
 * A whole number of at least `min` (and at most `max` when given); a number that is not is `expected`, one above `max`
 * "at most <max>, got <value>", any other kind "a number, got ...".
 */
export function integer(min: number, expected: string, max?: number) {
  const whole = z.number().refine((x) => Number.isInteger(x) && x >= min, { error: expected });
  if (max === undefined) return whole.meta({ type: "integer", minimum: min });
  return whole
    .refine((x) => x <= max, { error: (issue) => `at most ${max}, got ${String(issue.input)}` })
    .meta({ type: "integer", minimum: min, maximum: max });
}
