// The agent servers the host starts from a configured `command`: each in a process group of its own, ready
// once its endpoint accepts connections, restarted with backoff when it exits, and stopped (SIGTERM, then
// SIGKILL) on shutdown. Every start is written to a durable ledger with a random marker in the child's
// environment, so that a host killed with SIGKILL finds its children on the next start and stops them, and
// never mistakes a stranger that reused the pid for one of them.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { AgentwireError } from "@agentwire/core";

/** One process to start and keep running. */
export interface SupervisedSpec {
  /** A stable id, e.g. `flyte.connectors.batch` or `activeworkflow.agents[0]`. */
  readonly key: string;
  /** Run with `/bin/sh -c`, in a process group of its own. */
  readonly command: string;
  /** Merged over the host's environment. */
  readonly env?: Record<string, string>;
  readonly cwd?: string;
  /**
   * When it is up: `{ host, port }` once that endpoint accepts TCP connections (a server on a configured
   * port), or `{ handshake }` once its first stdout line parses to an address (a local AgentPlatform plugin:
   * `1|1|tcp|127.0.0.1:<port>|grpc`). `handshake` throws to refuse a line.
   */
  readonly ready: { host: string; port: number } | { handshake: (line: string) => { host: string; port: number } };
  /** Default 30 000. */
  readonly readyTimeoutMs?: number;
  /** How many of its last output lines to keep. Default 20. */
  readonly keepLines?: number;
  /** Called on each of its state changes, after the supervisor's own `onChange`. */
  readonly onChange?: (status: SupervisedStatus) => void;
}

export type SupervisedState = "starting" | "running" | "backoff" | "stopped" | "failed";

/** What a supervised process is doing, with the last lines it wrote. */
export interface SupervisedStatus {
  key: string;
  state: SupervisedState;
  pid?: number;
  restarts: number;
  /** Where it listens: the endpoint given, or the one its handshake named (it changes on a restart). */
  address?: { host: string; port: number };
  lastExit?: { code: number | null; signal: string | null; at: string };
  lastError?: string;
  /** Its last stdout and stderr lines (20 unless the spec says otherwise). */
  outputTail: string[];
}

/** A started process, as the ledger keeps it. */
export interface ProcessRecord {
  key: string;
  pid: number;
  marker: string;
  command: string;
  startedAt: string;
}

/** The durable record of what was started (the host's SQLite store implements it). */
export interface ProcessLedger {
  list(): ProcessRecord[];
  put(record: ProcessRecord): void;
  remove(key: string): void;
}

export interface SupervisorOptions {
  ledger: ProcessLedger;
  onChange?: (status: SupervisedStatus) => void;
  /** Restart delays: doubling from `initialMs` (1000) to `maxMs` (30 000), back to `initialMs` after a run of `resetAfterMs` (30 000). */
  backoff?: { initialMs?: number; maxMs?: number; resetAfterMs?: number };
  /** Between SIGTERM and SIGKILL. Default 5000. */
  stopGraceMs?: number;
}

export const markerVariable = "AGENTWIRE_HOST_MARKER";

interface Entry {
  spec: SupervisedSpec;
  status: SupervisedStatus;
  child?: ChildProcess;
  startedAt: number;
  /** Set once it was up: from then on an exit means a restart. */
  everRan: boolean;
  delayMs: number;
  timer?: NodeJS.Timeout;
  exited?: Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // gone already
    }
  }
}

function waitForPort(host: string, port: number, timeoutMs: number, exited: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (exited()) return reject(new Error("exited"));
      const socket = connect({ host, port });
      socket.once("connect", () => {
        socket.destroy();
        resolve();
      });
      socket.once("error", () => {
        socket.destroy();
        if (Date.now() >= deadline) return reject(new Error("timeout"));
        setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

/** Calls `onLines` with the complete lines of a stream's chunks. */
function lineSplitter(onLines: (lines: string[]) => void): (chunk: Buffer) => void {
  let buffer = "";
  return (chunk) => {
    buffer += chunk.toString("utf8");
    const lines = buffer.split("\n");
    buffer = lines.pop()!;
    if (lines.length > 0) onLines(lines.map((l) => l.replace(/\r$/, "")));
  };
}

/** Starts, restarts and stops the agent servers of the configuration. */
export class Supervisor {
  private readonly entries = new Map<string, Entry>();
  private stopping = false;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly resetAfterMs: number;
  private readonly graceMs: number;

  constructor(private readonly options: SupervisorOptions) {
    this.initialMs = options.backoff?.initialMs ?? 1000;
    this.maxMs = options.backoff?.maxMs ?? 30_000;
    this.resetAfterMs = options.backoff?.resetAfterMs ?? 30_000;
    this.graceMs = options.stopGraceMs ?? 5000;
  }

  /**
   * Stops the processes a previous host left behind (it was killed before it could stop them): each ledger
   * record whose pid is alive and carries its marker is stopped with its group; a dead pid is "gone"; a
   * live pid without the marker belongs to someone else and is left alone. The ledger is emptied.
   */
  async reapOrphans(): Promise<Array<{ key: string; pid: number; outcome: "stopped" | "gone" | "not ours" }>> {
    const results: Array<{ key: string; pid: number; outcome: "stopped" | "gone" | "not ours" }> = [];
    for (const record of this.options.ledger.list()) {
      let outcome: "stopped" | "gone" | "not ours";
      if (!alive(record.pid)) {
        outcome = "gone";
      } else {
        let environ = "";
        try {
          environ = readFileSync(`/proc/${record.pid}/environ`, "latin1");
        } catch {
          environ = "";
        }
        if (!environ.split("\0").includes(`${markerVariable}=${record.marker}`)) {
          outcome = "not ours";
        } else {
          signalGroup(record.pid, "SIGTERM");
          const deadline = Date.now() + this.graceMs;
          while (alive(record.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
          if (alive(record.pid)) signalGroup(record.pid, "SIGKILL");
          while (alive(record.pid)) await new Promise((r) => setTimeout(r, 50));
          outcome = "stopped";
        }
      }
      this.options.ledger.remove(record.key);
      results.push({ key: record.key, pid: record.pid, outcome });
    }
    return results;
  }

  status(): SupervisedStatus[] {
    return [...this.entries.values()].map((e) => ({ ...e.status, outputTail: [...e.status.outputTail] }));
  }

  private change(entry: Entry, patch: Partial<SupervisedStatus>): void {
    Object.assign(entry.status, patch);
    this.options.onChange?.({ ...entry.status, outputTail: [...entry.status.outputTail] });
    entry.spec.onChange?.({ ...entry.status, outputTail: [...entry.status.outputTail] });
  }

  /** The status of one process, or undefined when it was never started. */
  statusOf(key: string): SupervisedStatus | undefined {
    const entry = this.entries.get(key);
    return entry === undefined ? undefined : { ...entry.status, outputTail: [...entry.status.outputTail] };
  }

  /** Starts `spec` and resolves once its endpoint accepts connections; rejects naming the key, the command and its last lines when it does not. */
  async start(spec: SupervisedSpec): Promise<SupervisedStatus> {
    if (this.entries.has(spec.key)) throw new AgentwireError("already_exists", `process ${spec.key} is started already`);
    const entry: Entry = { spec, status: { key: spec.key, state: "starting", restarts: 0, outputTail: [] }, startedAt: 0, everRan: false, delayMs: this.initialMs };
    this.entries.set(spec.key, entry);
    try {
      await this.launch(entry);
    } catch (err) {
      this.change(entry, { state: "failed", lastError: (err as Error).message });
      throw err;
    }
    return { ...entry.status };
  }

  private async launch(entry: Entry): Promise<void> {
    const { spec } = entry;
    const marker = randomBytes(12).toString("hex");
    const child = spawn("/bin/sh", ["-c", spec.command], {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env, [markerVariable]: marker },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    entry.child = child;
    entry.startedAt = Date.now();
    let exited = false;
    entry.exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const keepLines = spec.keepLines ?? 20;
    const keep = (lines: string[]) => {
      entry.status.outputTail.push(...lines.filter((l) => l.trim() !== ""));
      if (entry.status.outputTail.length > keepLines) entry.status.outputTail.splice(0, entry.status.outputTail.length - keepLines);
    };
    let firstLine: ((line: string) => void) | undefined;
    const firstLineSeen = new Promise<string>((resolve) => (firstLine = resolve));
    child.stdout?.on("data", lineSplitter((lines) => {
      if (firstLine !== undefined && lines.length > 0) {
        firstLine(lines[0]!);
        firstLine = undefined;
      }
      keep(lines);
    }));
    child.stderr?.on("data", lineSplitter(keep));
    if (child.pid !== undefined) {
      this.options.ledger.put({ key: spec.key, pid: child.pid, marker, command: spec.command, startedAt: new Date().toISOString() });
    }
    this.change(entry, { state: "starting", ...(child.pid !== undefined ? { pid: child.pid } : {}) });
    child.once("exit", (code, signal) => {
      exited = true;
      this.onExit(entry, child, code, signal);
    });
    child.once("error", (err) => {
      entry.status.outputTail.push(String(err));
    });
    const timeoutMs = spec.readyTimeoutMs ?? 30_000;
    const ready = spec.ready;
    const waitingFor = "handshake" in ready ? "its handshake line" : `${ready.host}:${ready.port} accepted connections`;
    let address: { host: string; port: number };
    try {
      if ("handshake" in ready) {
        const line = await Promise.race([
          firstLineSeen,
          entry.exited.then(() => Promise.reject(new Error("exited"))),
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error("timeout")), timeoutMs).unref()),
        ]);
        try {
          address = ready.handshake(line);
        } catch (err) {
          throw new Error(`handshake: ${(err as Error).message}`);
        }
      } else {
        await waitForPort(ready.host, ready.port, timeoutMs, () => exited);
        address = { host: ready.host, port: ready.port };
      }
    } catch (err) {
      const tail = entry.status.outputTail.slice(-5).join("\n  ");
      const message = (err as Error).message;
      const why =
        message === "exited"
          ? `it exited (${child.exitCode !== null ? `code ${child.exitCode}` : `signal ${child.signalCode}`}) before ${waitingFor}`
          : message === "timeout"
            ? "handshake" in ready
              ? `no handshake line on stdout within ${timeoutMs / 1000} s`
              : `${ready.host}:${ready.port} did not accept connections within ${timeoutMs / 1000} s`
            : `its first stdout line is not a handshake (${message.replace(/^handshake: /, "")})`;
      if (!exited) await this.stopChild(entry);
      throw new AgentwireError("unavailable", `${spec.key}: \`${spec.command}\` did not come up: ${why}${tail ? `; its last lines:\n  ${tail}` : ""}`);
    }
    entry.everRan = true;
    this.change(entry, { state: "running", address });
  }

  /** Stops a running process so that it restarts (with backoff): a plugin that stopped answering. */
  async restart(key: string): Promise<void> {
    const entry = this.entries.get(key);
    if (entry === undefined || this.stopping) return;
    await this.stopChild(entry);
  }

  private onExit(entry: Entry, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (entry.child !== child) return;
    entry.child = undefined;
    const lastExit = { code, signal, at: new Date().toISOString() };
    if (this.stopping || !entry.everRan) {
      this.options.ledger.remove(entry.spec.key);
      this.change(entry, { lastExit, ...(this.stopping ? { state: "stopped" as const } : {}) });
      return;
    }
    if (Date.now() - entry.startedAt >= this.resetAfterMs) entry.delayMs = this.initialMs;
    const delay = entry.delayMs;
    entry.delayMs = Math.min(this.maxMs, entry.delayMs * 2);
    this.change(entry, { state: "backoff", lastExit });
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      if (this.stopping) return;
      entry.status.restarts += 1;
      // Not up this time either: its exit (or the stop of a start that hung) schedules the next attempt.
      this.launch(entry).catch((err: unknown) => {
        if (!this.stopping) this.change(entry, { lastError: (err as Error).message });
      });
    }, delay);
  }

  private async stopChild(entry: Entry): Promise<void> {
    const child = entry.child;
    if (child?.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    signalGroup(child.pid, "SIGTERM");
    const timer = setTimeout(() => signalGroup(child.pid!, "SIGKILL"), this.graceMs);
    await entry.exited;
    clearTimeout(timer);
  }

  /** Stops every process (SIGTERM, then SIGKILL after the grace period), waits for each, and empties the ledger. No more restarts. */
  async stopAll(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      [...this.entries.values()].map(async (entry) => {
        if (entry.timer) clearTimeout(entry.timer);
        await this.stopChild(entry);
        this.options.ledger.remove(entry.spec.key);
        if (entry.status.state !== "failed") this.change(entry, { state: "stopped" });
      }),
    );
  }
}
