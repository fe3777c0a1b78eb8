/**
 * The test run's reporter (`npm test`): node's own (spec on a terminal, TAP otherwise, as node picks without a
 * reporter, so its closing lines are unchanged) followed by one line saying how many tests and suites were
 * skipped and why, grouped by reason, e.g.
 *   # skipped 3 tests and 1 suite: ../shared is absent (...) (2 tests, 1 suite); PostgreSQL is not installed (1 test)
 * A suite skipped as a whole does not report its tests, so suites are counted apart. Then the time per test file,
 * slowest first: the durations of its top-level tests and suites added up (its process's start-up and imports
 * are not in it).
 */
import { relative } from "node:path";
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

/** "# time per test file ..." and one line per file, slowest first (ties by name). */
export function fileTimes(seconds) {
  const rows = [...seconds].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  if (!rows.length) return "";
  const total = rows.reduce((sum, [, s]) => sum + s, 0);
  const width = Math.max(...rows.map(([, s]) => s.toFixed(1).length));
  return (
    `# time per test file (s; its top-level tests' durations added up; ${total.toFixed(1)} s in all):\n` +
    rows.map(([file, s]) => `#   ${s.toFixed(1).padStart(width)}  ${file}\n`).join("")
  );
}

export default async function* reporter(source) {
  const reasons = new Map();
  const seconds = new Map();
  async function* watch() {
    for await (const event of source) {
      if ((event.type === "test:pass" || event.type === "test:fail") && event.data.nesting === 0 && event.data.file) {
        const file = relative(process.cwd(), event.data.file);
        seconds.set(file, (seconds.get(file) ?? 0) + (event.data.details?.duration_ms ?? 0) / 1000);
      }
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
  yield fileTimes(seconds);
}
