// Running a command to completion: a Python client, `go build`, a script under test. tinyexec does the
// spawning and collects stdout and stderr (decoded as UTF-8, stdin fed and closed, EPIPE from a command that
// does not read its input ignored); what is ours is the process group and the time limit: the command runs
// detached, leading its own group, and past `timeoutMs` the whole group is stopped (SIGTERM, then SIGKILL),
// so a hung client takes nothing it started with it into the next test. tinyexec's own `timeout` would
// signal the command alone and turn the result into an error, so it is not used.
import type { ChildProcess } from "node:child_process";
import { basename } from "node:path";
import { x } from "tinyexec";
import { tail } from "./child-state.js";
import { stopProcessGroup } from "./process-group.js";

export interface RunProcessOptions {
  cwd?: string;
  /** The whole environment of the command. Default: this process's. */
  env?: NodeJS.ProcessEnv;
  /** Written to stdin, which is then closed. Without it stdin is `/dev/null`. */
  input?: string;
  /** A safety limit for a command that hangs, not a timing assertion: its process group is stopped then. Default: 60 000. */
  timeoutMs?: number;
  /** Called with the child once it is spawned, e.g. to stop it from an `afterAll` should the test end first. */
  onSpawn?: (child: ChildProcess) => void;
}

export interface ProcessResult {
  /** The exit code, null when a signal ended it. */
  code: number | null;
  /** The signal that ended it, null when it exited by itself. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True if it ran past `timeoutMs` and was stopped. */
  timedOut: boolean;
}

/**
 * Runs `command` to completion in its own process group and resolves with its exit code and output, whatever
 * the code; rejects only if it could not be started. Past `timeoutMs` the whole group is stopped
 * (`stopProcessGroup`) and the result says `timedOut`.
 *
 * ```ts
 * const result = await runProcess(python, [clientScript, "--base", url], { env: pythonEnv(), timeoutMs: 110_000 });
 * expect(result.code, result.stderr).toBe(0);
 * ```
 */
export async function runProcess(command: string, args: readonly string[], options: RunProcessOptions = {}): Promise<ProcessResult> {
  const { cwd, env, input, timeoutMs = 60_000, onSpawn } = options;
  const run = x(command, args, {
    // The environment is exactly `env` (or ours): no node_modules/.bin put on PATH, nothing merged in.
    nodePath: false,
    inheritEnv: env === undefined,
    ...(input === undefined ? {} : { stdin: input }),
    nodeOptions: { cwd, env, detached: true, stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"] },
  });
  const child = run.process;
  if (child !== undefined) onSpawn?.(child);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void stopProcessGroup(child);
  }, timeoutMs);
  try {
    const { stdout, stderr, exitCode } = await run;
    return { code: exitCode ?? null, signal: child?.signalCode ?? null, stdout, stderr, timedOut };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Like `runProcess`, but resolves with stdout only if the command exits 0; otherwise rejects quoting the tail of
 * its stderr.
 *
 * ```ts
 * const json = await processOutput(python, ["parse_hcl.py"], { input: hcl, env: pythonEnv() });
 * ```
 */
export async function processOutput(command: string, args: readonly string[], options: RunProcessOptions = {}): Promise<string> {
  const result = await runProcess(command, args, options);
  if (result.code === 0) return result.stdout;
  const how = result.timedOut
    ? `was stopped after ${options.timeoutMs ?? 60_000} ms`
    : `exited with ${result.code !== null ? `code ${result.code}` : `signal ${result.signal}`}`;
  throw new Error(`${basename(command)} ${args.join(" ")} ${how}:\n${tail(result.stderr)}`);
}
