// stopProcessGroup and terminateProcess against real children and grandchildren. A grandchild that inherits
// the child's stdout holds that pipe open: the child's "close" event then comes only once the grandchild is
// gone, which is how these tests know it was stopped, without polling for its pid.
import { describe, expect, it } from "vitest";
import { stopProcessGroup, terminateProcess } from "../src/index.js";
import { node } from "./children.js";

const withGrandchild = `const sleeper = require("node:child_process").spawn("sleep", ["1000"], { stdio: ["ignore", "inherit", "ignore"] });
console.log(sleeper.pid);
setInterval(() => {}, 1000)`;

describe("stopProcessGroup", () => {
  it("stops the child and the grandchild it started in its group", async () => {
    const { child, captured, closed } = node(withGrandchild);
    expect(Number(await captured.firstLine())).toBeGreaterThan(1);
    await stopProcessGroup(child);
    expect(child.signalCode).toBe("SIGTERM");
    // The grandchild held the stdout pipe: it closes once the grandchild is gone too.
    await closed;
  });

  it("sends SIGKILL after graceMs to a child that ignores SIGTERM", async () => {
    const { child, captured, closed } = node(`process.on("SIGTERM", () => console.log("SIGTERM ignored")); console.log("ready"); setInterval(() => {}, 1000)`);
    await captured.firstLine();
    await stopProcessGroup(child, { graceMs: 1000 });
    expect(child.signalCode).toBe("SIGKILL");
    await closed;
    expect(captured.stdout()).toBe("ready\nSIGTERM ignored\n");
  });

  it("signals the child alone when it was not spawned detached", async () => {
    const { child, captured } = node(`console.log("ready"); setInterval(() => {}, 1000)`, { detached: false });
    await captured.firstLine();
    await stopProcessGroup(child);
    expect(child.signalCode).toBe("SIGTERM");
  });

  it("is harmless for undefined and for a child that already exited", async () => {
    await stopProcessGroup(undefined);
    const { child, exited } = node("");
    await exited;
    await stopProcessGroup(child);
    expect(child.exitCode).toBe(0);
  });
});

describe("terminateProcess", () => {
  it("sends SIGTERM to the child and reports how it exited", async () => {
    const { child, captured } = node(`process.on("SIGTERM", () => { console.log("SIGTERM: draining"); process.exitCode = 0; setImmediate(() => process.exit()); }); console.log("ready"); setInterval(() => {}, 1000)`);
    await captured.firstLine();
    const exit = await terminateProcess(child);
    expect(exit).toMatchObject({ code: 0, signal: null, killed: false });
    expect(exit.ms).toBeGreaterThanOrEqual(0);
    await captured.waitFor("the drain line", () => captured.stdout().includes("SIGTERM: draining\n"));
  });

  it("sends the signal asked for", async () => {
    const { child, captured } = node(`process.on("SIGINT", () => process.exit(7)); console.log("ready"); setInterval(() => {}, 1000)`);
    await captured.firstLine();
    expect(await terminateProcess(child, { signal: "SIGINT" })).toMatchObject({ code: 7, signal: null, killed: false });
  });

  it("sends SIGKILL after graceMs and says so", async () => {
    const { child, captured, closed } = node(`process.on("SIGTERM", () => console.log("SIGTERM ignored")); console.log("ready"); setInterval(() => {}, 1000)`);
    await captured.firstLine();
    const exit = await terminateProcess(child, { graceMs: 1000 });
    expect(exit).toMatchObject({ code: null, signal: "SIGKILL", killed: true });
    await closed;
    expect(captured.stdout()).toBe("ready\nSIGTERM ignored\n");
  });

  it("signals the child alone, not its group", async () => {
    const { child, captured, closed } = node(withGrandchild);
    const grandchild = Number(await captured.firstLine());
    try {
      expect(await terminateProcess(child)).toMatchObject({ signal: "SIGTERM", killed: false });
      // The grandchild in the child's group was not signalled: it still runs.
      expect(() => process.kill(grandchild, 0)).not.toThrow();
    } finally {
      // Now the group; the pipe the grandchild holds closes once it is gone.
      process.kill(-child.pid!, "SIGTERM");
    }
    await closed;
  });

  it("resolves at once for a child that already exited", async () => {
    const { child, exited } = node("process.exit(4)");
    await exited;
    expect(await terminateProcess(child)).toEqual({ code: 4, signal: null, killed: false, ms: 0 });
  });
});
