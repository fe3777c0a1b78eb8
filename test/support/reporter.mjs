/**
 * The test run's reporter (`npm test`): node's own (spec on a terminal, TAP otherwise, as node picks without a
 * reporter, so its closing lines are unchanged) followed by one line saying how many tests and suites were
 * skipped and why, grouped by reason, e.g.
 *   # skipped 3 tests and 1 suite: ../shared is absent (...) (2 tests, 1 suite); PostgreSQL is not installed (1 test)
 * A suite skipped as a whole does not report its tests, so suites are counted apart.
 */
import { Readable } from "node:stream";
import { spec, tap } from "node:test/reporters";

const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** "2 tests, 1 suite" */
function counts({ tests, suites }) {
  return [tests ? plural(tests, "test") : "", suites ? plural(suites, "suite") : ""].filter(Boolean).join(", ");
}

export function skipSummary(reasons) {
  const total = { tests: 0, suites: 0 };
  for (const c of reasons.values()) {
    total.tests += c.tests;
    total.suites += c.suites;
  }
  if (!total.tests && !total.suites) return "# skipped nothing\n";
  const why = [...reasons].map(([reason, c]) => `${reason} (${counts(c)})`).join("; ");
  return `# skipped ${counts(total).replace(", ", " and ")}: ${why}\n`;
}

export default async function* reporter(source) {
  const reasons = new Map();
  async function* watch() {
    for await (const event of source) {
      if (event.type === "test:pass" && event.data.skip !== undefined && event.data.skip !== false) {
        const reason = typeof event.data.skip === "string" && event.data.skip ? event.data.skip : "no reason given";
        const count = reasons.get(reason) ?? { tests: 0, suites: 0 };
        if (event.data.details?.type === "suite") count.suites++;
        else count.tests++;
        reasons.set(reason, count);
      }
      yield event;
    }
  }
  if (process.stdout.isTTY) yield* Readable.from(watch()).pipe(spec());
  else yield* tap(watch());
  yield skipSummary(reasons);
}
