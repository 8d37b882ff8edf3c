// Children for the harness's own tests: `node -e` scripts spawned as a test or host would, tracked so that
// each test file stops what it started. Everything here waits on events (exit, close, a line of output),
// never on a sleep.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, connect } from "node:net";
import { afterEach } from "vitest";
import { captureOutput, stopProcessGroup, type CapturedOutput } from "../src/index.js";

const children: ChildProcess[] = [];

afterEach(async () => {
  await Promise.all(children.splice(0).map((child) => stopProcessGroup(child, { graceMs: 500 })));
});

export interface NodeChild {
  child: ChildProcess;
  captured: CapturedOutput;
  /** Resolves once the child has exited. */
  exited: Promise<void>;
  /**
   * Resolves once the child has exited and its stdout and stderr are closed: once every process holding
   * those pipes (the child, and any grandchild that inherited them) is gone.
   */
  closed: Promise<void>;
  /** Writes a line to the child's stdin (spawn it with `stdin: true`). */
  tell(line: string): void;
}

/** `node -e script`, in its own process group unless `detached: false`, with its output captured. */
export function node(script: string, options: { detached?: boolean; stdin?: boolean } = {}): NodeChild {
  const child = spawn(process.execPath, ["-e", script], {
    detached: options.detached ?? true,
    stdio: [options.stdin ? "pipe" : "ignore", "pipe", "pipe"],
  });
  children.push(child);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
  return { child, captured: captureOutput(child), exited, closed, tell: (line) => void child.stdin!.write(`${line}\n`) };
}

/** True if `port` can be bound on loopback right now. */
export function canListen(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** True if something accepts a connection on loopback `port`. */
export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1" });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
