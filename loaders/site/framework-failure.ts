/**
 * Framework's own failure messages, read for what the user can act on: a full disk or a read-only or forbidden
 * output folder is one line naming it, instead of Framework's "Unexpected error ... please file an issue".
 */

/** System errors Framework reports as "Unexpected error: CODE: ...", and what to say of each. */
const SYSTEM_ERRORS: Record<string, string> = {
  ENOSPC: "no space left on the device",
  EDQUOT: "the disk quota is used up",
  EROFS: "the file system is read-only",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
};

/**
 * One line for a Framework build that failed on the file system (`stderr` is Framework's error output), naming the
 * path it could not write when Framework gives one; null for any other failure (Framework's messages are shown).
 * @example frameworkFailure("Unexpected error: ENOSPC: no space left on device, write") // "the site build stopped: no space left on the device (ENOSPC); free some space and build again"
 */
export function frameworkFailure(stderr: string): string | null {
  // eslint-disable-next-line no-control-regex -- Framework colours its messages with ANSI escapes
  const plain = stderr.replace(/\u001b\[[0-9;]*m/g, "");
  const hit = /\b(ENOSPC|EDQUOT|EROFS|EACCES|EPERM)\b:?[^\n]*/.exec(plain);
  if (!hit) return null;
  const code = hit[1];
  const path = /, \w+ '([^']+)'/.exec(hit[0])?.[1];
  const fix =
    code === "ENOSPC" || code === "EDQUOT"
      ? "free some space and build again"
      : "build into a folder you can write (--out DIR)";
  return `the site build stopped: ${SYSTEM_ERRORS[code]} (${code})${path ? ` writing ${path}` : ""}; ${fix}`;
}
