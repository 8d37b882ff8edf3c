// Stopping what a test started. `stopProcessGroup` is the clean-up: the whole process group, SIGTERM then
// SIGKILL, so that nothing a server started (a shell wrapper's server, worker processes) outlives the test.
// `terminateProcess` is the thing under test: one signal to the child alone, as a host stopping a plugin sends
// it, and how the child took it. Signalling a process group is one `process.kill(-pid)`; no library adds to it.
import type { ChildProcess } from "node:child_process";
import { hasExited } from "./child-state.js";

export interface StopProcessGroupOptions {
  /** How long the group has to exit after SIGTERM before it gets SIGKILL. Default: 5000. */
  graceMs?: number;
}

/**
 * Stops `child` and the processes it started: SIGTERM to its process group, SIGKILL to the group if `child`
 * is still running after `graceMs`; resolves once `child` has exited. `child` must have been spawned with
 * `detached: true` to lead a group of its own; if it was not, it alone is signalled. Harmless when `child` is
 * undefined, never started or already exited. Members of the group that outlive `child` were sent the same
 * signals but are not waited for.
 *
 * ```ts
 * afterAll(() => stopProcessGroup(server));
 * ```
 */
export async function stopProcessGroup(child: ChildProcess | undefined, options: StopProcessGroupOptions = {}): Promise<void> {
  const pid = child?.pid;
  if (child === undefined || pid === undefined || hasExited(child)) return;
  const { graceMs = 5000 } = options;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-pid, name);
    } catch {
      // No such group (not detached) or gone already: signal the child alone; kill() ignores a dead one.
      child.kill(name);
    }
  };
  signal("SIGTERM");
  const timer = setTimeout(() => signal("SIGKILL"), graceMs);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}

export interface TerminateOptions {
  /** The signal that asks the process to stop. Default: `SIGTERM`. */
  signal?: NodeJS.Signals;
  /** How long it has to exit before it gets SIGKILL (and the result says `killed`). Default: 2000. */
  graceMs?: number;
}

export interface TerminateResult {
  /** The exit code, null when a signal ended it. */
  code: number | null;
  /** The signal that ended it, null when it exited by itself. */
  signal: NodeJS.Signals | null;
  /** True if it was still running after `graceMs` and had to be sent SIGKILL. */
  killed: boolean;
  /** From sending the signal to the exit. */
  ms: number;
}

/**
 * Sends `child` alone (not its group) SIGTERM, as a host stopping a plugin or a supervisor stopping a server
 * does, and resolves with how it exited and how long that took; SIGKILL after `graceMs` counts as `killed`.
 * For tests of graceful shutdown; to clean up a child and everything it started, use `stopProcessGroup`.
 *
 * ```ts
 * expect(await terminateProcess(plugin)).toMatchObject({ code: 0, killed: false });
 * ```
 */
export async function terminateProcess(child: ChildProcess, options: TerminateOptions = {}): Promise<TerminateResult> {
  const { signal = "SIGTERM", graceMs = 2000 } = options;
  const started = Date.now();
  if (child.pid === undefined || hasExited(child)) return { code: child.exitCode, signal: child.signalCode, killed: false, ms: 0 };
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once("exit", (code, sig) => resolve([code, sig])));
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    child.kill("SIGKILL");
  }, graceMs);
  child.kill(signal);
  try {
    const [code, sig] = await exited;
    return { code, signal: sig, killed, ms: Date.now() - started };
  } finally {
    clearTimeout(timer);
  }
}
