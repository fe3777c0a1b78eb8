/**
 * Tests that need something a machine may lack (../shared's data and references, a PostgreSQL server) skip with
 * the reason on a developer's machine; in CI (CI set) and whenever SEGMENT_TEST_STRICT=1 (`.ci/run` sets it) a
 * missing one is a failure instead: `requires(reason)` then registers a failing test saying what is missing, and
 * the tests that need it still do not run (they would only fail less clearly).
 */
import assert from "node:assert/strict";
import { test } from "node:test";

/** CI or SEGMENT_TEST_STRICT=1: nothing a test needs may be missing. */
export const STRICT = process.env.SEGMENT_TEST_STRICT === "1" || Boolean(process.env.CI);

/**
 * The `skip` option of a test or suite that needs what `missing` names (false: nothing is missing). In strict mode
 * a missing requirement also fails one test of its own, named after it.
 */
export function requires(missing: string | false | undefined | null): string | false {
  if (!missing) return false;
  if (STRICT)
    test(`required in CI and with SEGMENT_TEST_STRICT=1: ${missing}`, () => {
      assert.fail(`${missing} (tests that need it cannot run; install it, or unset CI/SEGMENT_TEST_STRICT to skip)`);
    });
  return missing;
}
