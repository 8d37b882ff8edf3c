// The process harness against real processes: `node -e` servers and sleepers spawned as a test or host would.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { freePort, freePorts, stopProcessGroup, waitForPort } from "../src/index.js";

const children: ChildProcess[] = [];

afterEach(async () => {
  await Promise.all(children.splice(0).map((child) => stopProcessGroup(child, { graceMs: 500 })));
});

/** `node -e script` in its own process group, with its output collected. */
function node(script: string, options: { detached?: boolean } = {}): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ["-e", script], { detached: options.detached ?? true, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

/** Resolves with the first stdout line the child prints. */
function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      const end = text.indexOf("\n");
      if (end >= 0) resolve(text.slice(0, end));
    });
    child.once("exit", (code, signal) => reject(new Error(`exited (${code ?? signal}) before printing a line`)));
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/** True once `pid` is gone; a zombie nobody reaped yet (PID 1 in a container may not) counts as gone. */
function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ESRCH";
  }
  try {
    // /proc/<pid>/stat: "pid (comm) state ..."; comm may hold spaces, the state follows the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return false;
  }
}

async function eventually(check: () => boolean, limitMs: number): Promise<boolean> {
  const until = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

function canListen(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

describe("freePort / freePorts", () => {
  it("returns a port that can be bound", async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    expect(await canListen(port)).toBe(true);
  });

  it("returns distinct ports, all bindable", async () => {
    const ports = await freePorts(8);
    expect(ports).toHaveLength(8);
    expect(new Set(ports).size).toBe(8);
    for (const port of ports) expect(await canListen(port)).toBe(true);
  });
});

describe("waitForPort", () => {
  it("resolves once the child listens", async () => {
    const port = await freePort();
    const { child, output } = node(
      `setTimeout(() => require("node:net").createServer().listen(${port}, "127.0.0.1"), 300)`,
    );
    const started = Date.now();
    await waitForPort(port, { child, timeoutMs: 20_000, output });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(child.exitCode).toBeNull();
    expect(await canListen(port)).toBe(false);
  });

  it("rejects naming the exit code and with the output when the child exits first", async () => {
    const port = await freePort();
    const { child, output } = node(`process.stderr.write("cannot start: boom\\n"); process.exit(3)`);
    const waiting = waitForPort(port, { child, timeoutMs: 20_000, output });
    await expect(waiting).rejects.toThrow(/exited with code 3 before listening on 127\.0\.0\.1:\d+/);
    await expect(waiting).rejects.toThrow(/cannot start: boom/);
  });

  it("rejects once the limit passes when nothing listens", async () => {
    const port = await freePort();
    await expect(waitForPort(port, { timeoutMs: 200, output: () => "the log" })).rejects.toThrow(
      new RegExp(`nothing listens on 127\\.0\\.0\\.1:${port} after 200 ms:\\nthe log`),
    );
  });
});

describe("stopProcessGroup", () => {
  it("stops the child and the grandchild it started in its group", async () => {
    const { child } = node(
      `const sleeper = require("node:child_process").spawn("sleep", ["1000"], { stdio: "ignore" }); console.log(sleeper.pid); setInterval(() => {}, 1000)`,
    );
    const grandchild = Number(await firstLine(child));
    expect(Number.isInteger(grandchild) && grandchild > 1).toBe(true);
    expect(isGone(grandchild)).toBe(false);
    await stopProcessGroup(child);
    expect(child.signalCode).toBe("SIGTERM");
    expect(await eventually(() => isGone(grandchild), 5000), `sleep (pid ${grandchild}) still running`).toBe(true);
  });

  it("sends SIGKILL after graceMs to a child that ignores SIGTERM", async () => {
    const { child } = node(`process.on("SIGTERM", () => {}); console.log("ready"); setInterval(() => {}, 1000)`);
    await firstLine(child);
    const started = Date.now();
    await stopProcessGroup(child, { graceMs: 300 });
    expect(child.signalCode).toBe("SIGKILL");
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it("signals the child alone when it was not spawned detached", async () => {
    const { child } = node(`console.log("ready"); setInterval(() => {}, 1000)`, { detached: false });
    await firstLine(child);
    await stopProcessGroup(child);
    expect(child.signalCode).toBe("SIGTERM");
  });

  it("is harmless for undefined and for a child that already exited", async () => {
    await stopProcessGroup(undefined);
    const { child } = node("");
    await exited(child);
    await stopProcessGroup(child);
    expect(child.exitCode).toBe(0);
  });
});
