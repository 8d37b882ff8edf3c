// freePort / freePorts (on get-port) and waitForPort, against real listeners.
import { describe, expect, it } from "vitest";
import { freePort, freePorts, waitForPort } from "../src/index.js";
import { canConnect, canListen, node } from "./children.js";

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

  it("does not hand out a port again on the next call", async () => {
    const [first] = await freePorts(1);
    const others = await freePorts(8);
    expect(others).not.toContain(first);
  });

  it("returns no ports for a count of 0 and refuses a count that is not a whole number", async () => {
    expect(await freePorts(0)).toEqual([]);
    await expect(freePorts(-1)).rejects.toThrow(/count must be a whole number ≥ 0, not -1/);
    await expect(freePorts(1.5)).rejects.toThrow(RangeError);
  });
});

describe("waitForPort", () => {
  it("waits while nothing listens and resolves once the child listens", async () => {
    const port = await freePort();
    const { child, captured, tell } = node(
      `process.stdin.once("data", () => require("node:net").createServer().listen(${port}, "127.0.0.1")); console.log("ready")`,
      { stdin: true },
    );
    await captured.firstLine();
    const waiting = waitForPort(port, { child, output: captured.output });
    // Still waiting: nothing listens until the child is told to.
    expect(await canConnect(port)).toBe(false);
    tell("listen");
    await waiting;
    expect(child.exitCode).toBeNull();
    expect(await canListen(port)).toBe(false);
  });

  it("rejects naming the exit code and with the output when the child exits first", async () => {
    const port = await freePort();
    const { child, captured } = node(`process.stderr.write("cannot start: boom\\n"); process.exit(3)`);
    const waiting = waitForPort(port, { child, output: captured.output });
    await expect(waiting).rejects.toThrow(/^node \(pid \d+\) exited with code 3 before listening on 127\.0\.0\.1:\d+:\ncannot start: boom\n$/);
  });

  it("quotes only the tail of a long output", async () => {
    const port = await freePort();
    const { child, captured } = node(`for (let i = 1; i <= 100; i++) console.error("line " + i); process.exit(3)`);
    const error = await waitForPort(port, { child, output: captured.output }).then(
      () => undefined,
      (err: Error) => err,
    );
    expect(error?.message).toMatch(/earlier characters not shown\]\nline 61\n/);
    expect(error?.message).toMatch(/line 100\n$/);
    expect(error?.message).not.toMatch(/line 60\n/);
  });

  it("rejects once the limit passes when nothing listens", async () => {
    const port = await freePort();
    await expect(waitForPort(port, { timeoutMs: 200, output: () => "the log" })).rejects.toThrow(
      new RegExp(`nothing listens on 127\\.0\\.0\\.1:${port} after 200 ms:\\nthe log`),
    );
  });
});
