/**
 * A fixture computed once, on first use, and shared by every test that needs it: tests set up what they need
 * through it instead of relying on an earlier test having run (each still passes alone, with --test-name-pattern).
 */
export function memo<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | null = null;
  return () => {
    value ??= make().catch((error: unknown) => {
      value = null; // a failed set-up is retried by the next test that needs it, not cached
      throw error;
    });
    return value;
  };
}
