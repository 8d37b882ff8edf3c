import { spawn, type ChildProcess } from "node:child_process";
import { connect } from "node:net";
import type { ServerLog } from "./run-conformance.js";

/** The harness could not run (exit 2): said once, with the reason. */
export class HarnessError extends Error {
  override readonly name = "HarnessError";
}

/** Resolves when `host:port` accepts a TCP connection, rejects with the error otherwise. */
export function probe(host: string, port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    });
    socket.once("connect", () => {
      socket.end();
      resolve();
    });
    socket.once("error", (err) => {
      socket.destroy();
      reject(err);
    });
  });
}

export interface StartedServer {
  /** Its stderr lines (timestamped) between two `Date.now()` instants. */
  readonly log: ServerLog;
  /** How it ended (`exited with code 1`), or undefined while it runs. */
  exitStatus(): string | undefined;
  /** All its stderr lines so far. */
  allLines(): string[];
  /** SIGTERM to its process group, SIGKILL after `graceMs`; resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
}

function stamp(t: number): string {
  return new Date(t).toISOString().slice(11, 23);
}

/**
 * `--start "CMD"`: runs CMD with a shell in a process group of its own, keeps its stderr lines with the time
 * each came, and waits until `host:port` accepts connections. Throws `HarnessError` (with the server's stderr)
 * when it exits first or does not listen within `waitMs`.
 */
export async function startServer(command: string, host: string, port: number, waitMs: number): Promise<StartedServer> {
  const child: ChildProcess = spawn(command, { shell: true, detached: true, stdio: ["ignore", "inherit", "pipe"] });
  const lines: Array<{ t: number; line: string }> = [];
  let partial = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    const parts = (partial + chunk).split(/\r?\n/);
    partial = parts.pop() ?? "";
    const t = Date.now();
    for (const line of parts) lines.push({ t, line });
  });
  let exit: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      if (partial) lines.push({ t: Date.now(), line: partial });
      partial = "";
      exit = signal ? `killed by ${signal}` : `exited with code ${code}`;
      resolve();
    });
    child.once("error", (err) => {
      exit = `could not be started: ${err.message}`;
      resolve();
    });
  });
  const allLines = () => lines.map((l) => `${stamp(l.t)} ${l.line}`);
  const server: StartedServer = {
    log: (from, to) => lines.filter((l) => l.t >= from && l.t <= to).map((l) => `${stamp(l.t)} ${l.line}`),
    allLines,
    exitStatus: () => exit,
    async stop(graceMs = 5000) {
      const pid = child.pid;
      if (pid === undefined) return;
      const groupAlive = () => {
        try {
          process.kill(-pid, 0);
          return true;
        } catch {
          return false;
        }
      };
      const signal = (sig: NodeJS.Signals) => {
        try {
          process.kill(-pid, sig);
        } catch {
          if (exit === undefined) child.kill(sig);
        }
      };
      if (exit === undefined || groupAlive()) signal("SIGTERM");
      const timer = setTimeout(() => signal("SIGKILL"), graceMs);
      await exited;
      // The shell may have exited before the server it started: wait for the whole group (a zombie that no
      // init reaps would keep it "alive": give up a little after SIGKILL).
      const giveUp = Date.now() + graceMs + 2000;
      while (groupAlive() && Date.now() < giveUp) await new Promise((r) => setTimeout(r, 20));
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (exit !== undefined) break;
    try {
      await probe(host, port, 1000);
      return server;
    } catch {
      if (Date.now() > deadline) {
        await server.stop();
        throw new HarnessError(`--start: the server did not accept connections on ${host}:${port} within ${waitMs / 1000} s${tail(allLines())}`);
      }
      await Promise.race([new Promise((r) => setTimeout(r, 100)), exited]);
    }
  }
  throw new HarnessError(`--start: the server ${exit ?? "exited"} before accepting connections on ${host}:${port}${tail(allLines())}`);
}

function tail(lines: string[]): string {
  if (lines.length === 0) return " (it wrote nothing to stderr)";
  return `; its stderr:\n${lines.slice(-40).map((l) => `[server] ${l}`).join("\n")}`;
}
