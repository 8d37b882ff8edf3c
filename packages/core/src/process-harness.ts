// Starting, awaiting and stopping server processes on loopback: what every test, conformance harness or
// host that spawns an agent server as a real subprocess needs. Pick a free port, spawn the server with
// `detached: true` (so it leads its own process group), wait until the port accepts connections, and stop
// the whole group afterwards, so that nothing the server started outlives the caller.
import type { ChildProcess } from "node:child_process";
import { basename } from "node:path";
import { connect, createServer, type Server } from "node:net";

/**
 * A TCP port on `host` that nothing listens on right now, found by binding port 0 and releasing it. Another
 * process may take it before the caller binds it; on loopback, with the kernel handing out ephemeral ports
 * in turn, that is rare enough for tests and local hosts.
 */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  const [port] = await freePorts(1, host);
  if (port === undefined) throw new Error(`could not pick a free port on ${host}`);
  return port;
}

/**
 * `count` distinct free ports on `host`. All are held bound until every one is read (binding port 0 one
 * at a time after releasing the previous could hand out the same port twice), then released together.
 */
export async function freePorts(count: number, host = "127.0.0.1"): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, host, () => {
          server.off("error", reject);
          resolve();
        });
      });
      const address = server.address();
      if (address === null || typeof address === "string") throw new Error(`could not pick a free port on ${host}`);
      ports.push(address.port);
    }
    return ports;
  } finally {
    await Promise.all(servers.filter((s) => s.listening).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}

export interface WaitForPortOptions {
  /** Where to connect. Default: `127.0.0.1`. */
  host?: string;
  /** The process expected to listen: if it exits first, waiting fails at once rather than at the limit. */
  child?: ChildProcess;
  /** A safety limit for a server that hangs while starting, not a timing assertion. Default: 30 000. */
  timeoutMs?: number;
  /** What the process printed so far, appended to the error so a failed start explains itself. */
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

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function describeExit(child: ChildProcess): string {
  return child.exitCode !== null ? `code ${child.exitCode}` : `signal ${child.signalCode}`;
}

/**
 * Resolves once `host:port` accepts a TCP connection. A server's "listening" log line can come before the
 * socket accepts (or never, if logging is off); a connect is the one sign that holds. Retries every 50 ms;
 * rejects if `child` exits first (naming its exit code or signal) or once `timeoutMs` passes, with
 * `output()` appended either way.
 */
export async function waitForPort(port: number, options: WaitForPortOptions = {}): Promise<void> {
  const { host = "127.0.0.1", child, timeoutMs = 30_000, output } = options;
  const tail = () => (output ? `:\n${output()}` : "");
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child !== undefined && hasExited(child)) {
      const name = child.spawnfile ? basename(child.spawnfile) : "the process";
      throw new Error(`${name} (pid ${child.pid}) exited with ${describeExit(child)} before listening on ${host}:${port}${tail()}`);
    }
    if (await tryConnect(port, host)) return;
    if (Date.now() > until) throw new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms${tail()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface StopProcessGroupOptions {
  /** How long the group has to exit after SIGTERM before it gets SIGKILL. Default: 5000. */
  graceMs?: number;
}

/**
 * Stops `child` and the processes it started: SIGTERM to its process group, SIGKILL to the group if `child`
 * is still running after `graceMs`; resolves once `child` has exited. Signalling the group rather than the
 * child reaches what a server runs under it (a shell wrapper's server, worker processes), which would
 * otherwise outlive it. `child` must have been spawned with `detached: true` to lead a group of its own;
 * if it was not, it alone is signalled. Harmless when `child` is undefined, never started or already exited.
 * Members of the group that outlive `child` were sent the same signals but are not waited for.
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
