// Loopback ports for servers a test starts: a free one to bind, and waiting until a spawned server accepts
// connections on it. Picking the port is get-port's job (it binds to learn a free port, and keeps the ports it
// handed out in this process from being handed out again for a while, so two calls never race each other);
// waiting is ours, because only a real connect says a server is ready.
import type { ChildProcess } from "node:child_process";
import { connect } from "node:net";
import { basename } from "node:path";
import getPort from "get-port";
import { describeExit, hasExited, tail } from "./child-state.js";

/**
 * A TCP port on `host` that nothing listens on right now. Another process may take it before the caller binds
 * it; on loopback, with the kernel handing out ephemeral ports in turn, that is rare enough for tests.
 *
 * ```ts
 * const port = await freePort();
 * const server = spawn("node", ["dist/main.js"], { env: { ...process.env, PORT: String(port) }, detached: true });
 * ```
 */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  return getPort({ host });
}

/**
 * `count` distinct free ports on `host`, e.g. a server's port and its metrics port. get-port remembers what it
 * handed out in this process, so the ports differ even though each is released before the next is picked.
 */
export async function freePorts(count: number, host = "127.0.0.1"): Promise<number[]> {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`freePorts: count must be a whole number ≥ 0, not ${count}`);
  const ports: number[] = [];
  for (let i = 0; i < count; i++) ports.push(await getPort({ host, exclude: ports }));
  return ports;
}

export interface WaitForPortOptions {
  /** Where to connect. Default: `127.0.0.1`. */
  host?: string;
  /** The process expected to listen: if it exits first, waiting fails at once rather than at the limit. */
  child?: ChildProcess;
  /** A safety limit for a server that hangs while starting, not a timing assertion. Default: 30 000. */
  timeoutMs?: number;
  /** What the process printed so far; its tail is appended to the error so a failed start explains itself. */
  output?: () => string;
}

/** One TCP connect: true if something accepted it, false if it was refused or did not answer within a second. */
function tryConnect(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    const done = (accepted: boolean) => {
      socket.destroy();
      resolve(accepted);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/**
 * Resolves once `host:port` accepts a TCP connection. A server's "listening" log line can come before the
 * socket accepts (or never, if logging is off); a connect is the one sign that holds. Retries every 50 ms;
 * rejects if `child` exits first (naming its exit code or signal) or once `timeoutMs` passes, with the tail of
 * `output()` appended either way.
 *
 * ```ts
 * await waitForPort(port, { child: server, output: () => serverLog });
 * ```
 */
export async function waitForPort(port: number, options: WaitForPortOptions = {}): Promise<void> {
  const { host = "127.0.0.1", child, timeoutMs = 30_000, output } = options;
  const printed = () => (output ? `:\n${tail(output())}` : "");
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child !== undefined && hasExited(child)) {
      const name = child.spawnfile ? basename(child.spawnfile) : "the process";
      throw new Error(`${name} (pid ${child.pid}) exited with ${describeExit(child)} before listening on ${host}:${port}${printed()}`);
    }
    if (await tryConnect(port, host)) return;
    if (Date.now() > until) throw new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms${printed()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
