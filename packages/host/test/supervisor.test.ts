// The supervisor with real processes: a server started and found ready, restarted with backoff after it is
// killed, a command that dies at once or never listens refused with its last lines, everything stopped and
// the port freed, and the orphans of a host killed with SIGKILL found by their marker and stopped.
import { spawn } from "node:child_process";
import { freePort } from "@agentwire/test-support";
import { afterEach, describe, expect, it } from "vitest";
import { alive } from "./host-process.js";
import { markerVariable, Supervisor, type ProcessRecord, type SupervisedStatus } from "../src/supervisor.js";

function memoryLedger() {
  const records = new Map<string, ProcessRecord>();
  return { records, ledger: { list: () => [...records.values()], put: (r: ProcessRecord) => void records.set(r.key, r), remove: (k: string) => void records.delete(k) } };
}

const server = (port: number) => `exec node -e "require('http').createServer((q,s)=>s.end('ok')).listen(${port}, '127.0.0.1'); console.log('listening on ${port}')"`;

const supervisors: Supervisor[] = [];
afterEach(async () => {
  await Promise.all(supervisors.splice(0).map((s) => s.stopAll()));
});

describe("Supervisor", () => {
  it("starts a server, resolves once it listens, and records it in the ledger", async () => {
    const { records, ledger } = memoryLedger();
    const supervisor = new Supervisor({ ledger });
    supervisors.push(supervisor);
    const port = await freePort();
    const status = await supervisor.start({ key: "web", command: server(port), ready: { host: "127.0.0.1", port } });
    expect(status).toMatchObject({ key: "web", state: "running", restarts: 0 });
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe("ok");
    expect(records.get("web")).toMatchObject({ key: "web", pid: status.pid, command: server(port) });
    expect(supervisor.status()[0]!.outputTail).toEqual([`listening on ${port}`]);
  });

  it("restarts a server that dies, with backoff, and says so on every change", async () => {
    const { ledger, records } = memoryLedger();
    const changes: SupervisedStatus[] = [];
    let restarted: (s: SupervisedStatus) => void = () => {};
    const back = new Promise<SupervisedStatus>((resolve) => (restarted = resolve));
    const supervisor = new Supervisor({
      ledger,
      backoff: { initialMs: 50, maxMs: 200 },
      onChange: (s) => {
        changes.push(s);
        if (s.state === "running" && s.restarts === 1) restarted(s);
      },
    });
    supervisors.push(supervisor);
    const port = await freePort();
    const first = await supervisor.start({ key: "web", command: server(port), ready: { host: "127.0.0.1", port } });
    process.kill(first.pid!, "SIGKILL");
    const second = await back;
    expect(second.pid).not.toBe(first.pid);
    expect(changes.map((c) => c.state)).toEqual(["starting", "running", "backoff", "starting", "running"]);
    expect(changes[2]!.lastExit).toMatchObject({ code: null, signal: "SIGKILL" });
    expect(records.get("web")!.pid).toBe(second.pid);
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe("ok");
  });

  it("a command that exits at once is refused naming the key, the command and its last lines", async () => {
    const { records, ledger } = memoryLedger();
    const supervisor = new Supervisor({ ledger });
    supervisors.push(supervisor);
    const port = await freePort();
    await expect(supervisor.start({ key: "broken", command: "echo 'Error: Cannot find module dist/main.js' >&2; exit 1", ready: { host: "127.0.0.1", port } })).rejects.toThrow(
      /^broken: `echo .*` did not come up: it exited \(code 1\) before 127\.0\.0\.1:\d+ accepted connections; its last lines:\n {2}Error: Cannot find module dist\/main\.js$/,
    );
    expect(supervisor.status()[0]!.state).toBe("failed");
    expect(records.size).toBe(0);
  });

  it("a command that never listens is stopped after readyTimeoutMs, naming the port", async () => {
    const { ledger } = memoryLedger();
    const supervisor = new Supervisor({ ledger, stopGraceMs: 500 });
    supervisors.push(supervisor);
    const port = await freePort();
    await expect(supervisor.start({ key: "mute", command: "sleep 30", ready: { host: "127.0.0.1", port }, readyTimeoutMs: 300 })).rejects.toThrow(
      `mute: \`sleep 30\` did not come up: 127.0.0.1:${port} did not accept connections within 0.3 s`,
    );
    const pid = supervisor.status()[0]!.pid!;
    expect(alive(pid)).toBe(false);
  });

  it("stopAll stops every server (the port is free again) and empties the ledger", async () => {
    const { records, ledger } = memoryLedger();
    const supervisor = new Supervisor({ ledger, backoff: { initialMs: 10 } });
    const port = await freePort();
    const status = await supervisor.start({ key: "web", command: server(port), ready: { host: "127.0.0.1", port } });
    await supervisor.stopAll();
    expect(alive(status.pid!)).toBe(false);
    expect(records.size).toBe(0);
    expect(supervisor.status()[0]!.state).toBe("stopped");
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  });

  it("reapOrphans stops what a killed host left (found by its marker), skips the dead, and leaves a reused pid alone", async () => {
    const { records, ledger } = memoryLedger();
    const port = await freePort();
    const orphan = spawn("/bin/sh", ["-c", server(port)], { detached: true, stdio: "ignore", env: { ...process.env, [markerVariable]: "m-orphan" } });
    await new Promise<void>((resolve) => orphan.once("spawn", () => resolve()));
    const dead = spawn("/bin/sh", ["-c", "exit 0"], { stdio: "ignore" });
    await new Promise<void>((resolve) => dead.once("exit", () => resolve()));
    ledger.put({ key: "orphan", pid: orphan.pid!, marker: "m-orphan", command: "x", startedAt: "" });
    ledger.put({ key: "dead", pid: dead.pid!, marker: "m-dead", command: "x", startedAt: "" });
    ledger.put({ key: "stranger", pid: process.pid, marker: "m-not-this-one", command: "x", startedAt: "" });
    const supervisor = new Supervisor({ ledger, stopGraceMs: 2000 });
    const outcomes = await supervisor.reapOrphans();
    expect(outcomes).toEqual([
      { key: "orphan", pid: orphan.pid, outcome: "stopped" },
      { key: "dead", pid: dead.pid, outcome: "gone" },
      { key: "stranger", pid: process.pid, outcome: "not ours" },
    ]);
    expect(alive(orphan.pid!)).toBe(false);
    expect(records.size).toBe(0);
  });
});
