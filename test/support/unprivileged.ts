/**
 * Runs a command as an unprivileged user. Root ignores file permissions, so tests of unreadable inputs and
 * non-writable folders run their command as `nobody` (uid 65534) through util-linux's `setpriv` when the tests run
 * as root; as any other user the command runs as is.
 */
import { spawnSync } from "node:child_process";

export const NOBODY = 65534;

/** [command, args] to run `command args` without root's file-permission override. */
export function unprivileged(command: string, args: string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [command, args];
  return ["setpriv", [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", command, ...args]];
}

/** The uid the unprivileged command runs as (to chown what it must be able to write). */
export function unprivilegedUid(): number {
  return process.getuid?.() === 0 ? NOBODY : (process.getuid?.() ?? NOBODY);
}

/** Whether setpriv works here (it needs util-linux and the right to change uid). */
export function canDropPrivileges(): boolean {
  if (process.getuid?.() !== 0) return true;
  return spawnSync("setpriv", [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", "true"]).status === 0;
}
