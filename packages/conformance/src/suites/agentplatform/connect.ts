// How the AgentPlatform suites reach a plugin: an `--address` as it is, or a `--command` started once in local
// mode (AGENTPLATFORM_PLUGIN=local) whose handshake line names the address. The `agentplatform.local` suite,
// which runs last, stops the shared process.
import { spawn, type ChildProcess } from "node:child_process";
import { parseHandshake } from "@agentwire/agentplatform/testing";
import type { AgentPlatformTarget } from "../../targets.js";

export interface Connection {
  readonly address: string;
  stop(): Promise<void>;
}

export interface StartedPlugin {
  readonly child: ChildProcess;
  /** Every stdout line, as read (the handshake first). */
  readonly stdoutLines: string[];
  readonly stderrLines: string[];
  /** The first stdout line, or the reason none came. */
  readonly firstLine: Promise<string>;
  /** Resolves with the exit (code, signal). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `command` in a shell, in its own process group, with AGENTPLATFORM_PLUGIN=local. */
export function startLocalPlugin(target: { command: string; cwd?: string }): StartedPlugin {
  const child = spawn(target.command, {
    shell: true,
    cwd: target.cwd,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, AGENTPLATFORM_PLUGIN: "local" },
  });
  const stdoutLines: string[] = [];
  const stderrLines: string[] = [];
  let resolveFirst!: (line: string) => void;
  let rejectFirst!: (err: Error) => void;
  const firstLine = new Promise<string>((res, rej) => {
    resolveFirst = res;
    rejectFirst = rej;
  });
  firstLine.catch(() => undefined);
  const lines = (into: string[], onLine?: (line: string) => void) => {
    let buffer = "";
    return (chunk: Buffer) => {
      buffer += chunk.toString("utf8");
      let nl: number;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        into.push(line);
        onLine?.(line);
      }
    };
  };
  child.stdout?.on("data", lines(stdoutLines, (line) => resolveFirst(line)));
  child.stderr?.on("data", lines(stderrLines));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => {
    child.on("exit", (code, signal) => {
      rejectFirst(new Error(`the plugin exited (code ${String(code)}, signal ${String(signal)}) before writing its handshake line`));
      res({ code, signal });
    });
    child.on("error", (err) => {
      rejectFirst(err);
      res({ code: null, signal: null });
    });
  });
  return { child, stdoutLines, stderrLines, firstLine, exited };
}

/** SIGTERM to the process group; SIGKILL if it is still there after `graceMs`. Resolves once it exited. */
export async function stopLocalPlugin(started: StartedPlugin, graceMs = 5000): Promise<void> {
  const { child } = started;
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      /* already gone */
    }
  };
  signal("SIGTERM");
  const timer = setTimeout(() => signal("SIGKILL"), graceMs);
  await started.exited;
  clearTimeout(timer);
}

/** Waits for the handshake line, up to `timeoutMs`. */
export async function readHandshake(started: StartedPlugin, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, rej) => {
    timer = setTimeout(() => rej(new Error(`no handshake line on stdout within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([started.firstLine, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const shared = new WeakMap<object, Promise<Connection>>();

/**
 * The address of the plugin under test: the target's own, or that of the `--command` plugin this module
 * started (once per target object; `stop()` ends it, and the next `connect` starts it again).
 */
export function connect(target: AgentPlatformTarget, timeoutMs = 10_000): Promise<Connection> {
  if ("address" in target) return Promise.resolve({ address: target.address, stop: () => Promise.resolve() });
  let existing = shared.get(target);
  if (existing === undefined) {
    existing = (async () => {
      const started = startLocalPlugin(target);
      try {
        const handshake = parseHandshake(await readHandshake(started, timeoutMs));
        return {
          address: handshake.address,
          stop: async () => {
            shared.delete(target);
            await stopLocalPlugin(started);
          },
        };
      } catch (err) {
        shared.delete(target);
        await stopLocalPlugin(started);
        throw err;
      }
    })();
    shared.set(target, existing);
  }
  return existing;
}

/** Stops the shared `--command` plugin of `target`, if one was started. */
export async function disconnect(target: AgentPlatformTarget): Promise<void> {
  const existing = shared.get(target);
  if (existing === undefined) return;
  shared.delete(target);
  try {
    await (await existing).stop();
  } catch {
    /* it never started */
  }
}
