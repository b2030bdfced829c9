/**
 * Has a service's process ended? The runner learns of a child's exit from an event, which can come after
 * the test's own result: a service that crashed a moment before the test ended would then be blamed on
 * the next execution. So at each execution's end the runner asks the kernel directly (Linux /proc): a
 * process that is gone, or a zombie not yet reaped, has ended, and the exit event is worth waiting for.
 * Elsewhere the answer is "not known to have ended", which is the old behaviour.
 */
import { readFileSync } from 'node:fs';

const SHELLS = new Set(['sh', 'dash', 'bash']);

/**
 * The processes that are the service: the shell itself, and, when the shell did not replace itself with
 * the command (a compound command), the command's processes, its children.
 */
export function serviceProcesses(shellPid: number): number[] {
  try {
    if (!SHELLS.has(readFileSync(`/proc/${shellPid}/comm`, 'utf8').trim())) return [shellPid];
    const children = readFileSync(`/proc/${shellPid}/task/${shellPid}/children`, 'utf8').trim();
    return [shellPid, ...(children ? children.split(/\s+/).map(Number) : [])];
  } catch {
    // No /proc, or the shell is gone already.
    return [shellPid];
  }
}

export function hasEnded(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) S ...": the state follows the last ")" (comm may itself hold parentheses).
    return stat.charAt(stat.lastIndexOf(')') + 2) === 'Z';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT';
  }
}
