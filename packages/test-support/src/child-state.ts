// Small facts about a spawned child that several helpers need. Internal: not exported from index.ts.
import type { ChildProcess } from "node:child_process";

/** True once `child` has exited (by itself or by a signal). */
export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** "code 3" or "signal SIGKILL": how `child` ended, for an error message. */
export function describeExit(child: ChildProcess): string {
  return child.exitCode !== null ? `code ${child.exitCode}` : `signal ${child.signalCode}`;
}

const tailLines = 40;
const tailChars = 8000;

/**
 * The end of what a process printed, for an error message: the last 40 lines (at most 8000 characters), with a
 * note of how much was left out. A Python traceback or a server's last log lines are what explain a failure;
 * a whole pip or flytekit log would bury them.
 */
export function tail(text: string): string {
  const lines = text.split("\n");
  const newline = text.endsWith("\n");
  if (newline) lines.pop();
  let kept = lines.slice(-tailLines).join("\n") + (newline ? "\n" : "");
  if (kept.length > tailChars) kept = kept.slice(-tailChars);
  const omitted = text.length - kept.length;
  return omitted > 0 ? `[… ${omitted} earlier characters not shown]\n${kept}` : kept;
}
