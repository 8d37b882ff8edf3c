// The Flyte engine: what FlytePropeller's connector-service plugin does, on one machine. It refreshes a
// registry from every deployment's ListAgents at `pollInterval` (Propeller's merge and collapse, then
// connectorForTaskTypes, then supportedTaskTypes), routes each task by it (a miss goes to defaultConnector,
// async), sends CreateTask, polls GetTask every `resyncPeriod` with `workers` calls at most in flight,
// counts GetTask failures against `maxSystemFailures` (never reset), and sends DeleteTask on abort and on
// the task's timeout. Sync task types go through ExecuteTaskSync. Every call goes through the FlyteDriver of
// @agentwire/flyte/testing, the same model of Propeller the harness and authors' tests use.
//
// Durability: a task is written before CreateTask is sent and its resource_meta as soon as CreateTask
// answers, and every phase change is written before it is announced. A host killed at any moment resumes
// on its next start: tasks with a resource_meta are polled again at once, tasks without one are created
// again (Propeller too re-runs a Create whose result it had not persisted), aborts not yet confirmed by
// DeleteTask are sent again.
import { randomBytes } from "node:crypto";
import { Code, ConnectError, type CallOptions } from "@connectrpc/connect";
import { AgentwireError, exactNumbers, parseJson, stringifyJson } from "@agentwire/core";
import { defineTask, isTerminalPhase, LiteralTypeError, parseTypes, toLiteralMap, type AnyTaskDefinition, type LogLink, type TaskPhase, type TaskResource } from "@agentwire/flyte";
import { createFlyteDriver, type FlyteDriver, type LaunchedTask, type LaunchOptions, type RegistryEntry } from "@agentwire/flyte/testing";
import type { ConnectorConfig, FlyteConfig, FlyteOperation } from "./config.js";
import type { EventBus } from "./events.js";
import type { HostStore } from "./store.js";
import { WorkQueue } from "./work-queue.js";

/** A row of the registry: one task type version and where it goes. */
export interface RegistryRow {
  taskType: string;
  version: number;
  mode: "sync" | "async";
  connector: string;
  /** The agent that listed it (ListAgents), or how the configuration put it there. */
  agent?: string;
  source: "ListAgents" | "connectorForTaskTypes" | "supportedTaskTypes";
}

/** What a connector's last ListAgents said. */
export interface ConnectorStatus {
  id: string;
  endpoint: string;
  state: "unknown" | "listed" | "no metadata service" | "unreachable";
  lastRefreshAt?: string;
  lastError?: string;
  taskTypes: number;
}

/** What `POST /api/flyte/tasks` takes. */
export interface SubmitTaskRequest {
  taskType: string;
  version?: number;
  inputs?: Record<string, unknown>;
  /** Flyte type names by input and output name: `{ inputs: { x: "integer" }, outputs: { y: "float" } }`. */
  interface?: { inputs?: Record<string, string>; outputs?: Record<string, string> };
  custom?: Record<string, unknown>;
  /** The task's timeout in milliseconds: past it DeleteTask is sent and the task FAILS. */
  timeoutMs?: number;
}

export interface TaskHistoryEntry {
  phase: TaskPhase;
  at: string;
  message?: string;
  logLinks?: LogLink[];
}

/** A task as the API shows it. */
export interface TaskView {
  id: string;
  taskType: string;
  version: number;
  connector: string | null;
  mode: "sync" | "async";
  phase: TaskPhase;
  message: string | null;
  inputs: unknown;
  outputs: unknown;
  logLinks: LogLink[];
  createdAt: string;
  updatedAt: string;
  history: TaskHistoryEntry[];
}

interface TaskRow {
  id: string;
  seq: number;
  task_type: string;
  version: number;
  connector: string | null;
  mode: "sync" | "async";
  phase: TaskPhase;
  message: string | null;
  inputs: string;
  interface: string | null;
  custom: string | null;
  timeout_ms: number | null;
  outputs: string | null;
  log_links: string | null;
  resource_meta: Buffer | null;
  output_prefix: string;
  sync_failures: number;
  abort_requested: number;
  created_at: string;
  updated_at: string;
}

/** A task not yet terminal, as the engine tracks it in memory. */
interface OpenTask {
  id: string;
  def: AnyTaskDefinition;
  connector: ConnectorConfig | undefined;
  mode: "sync" | "async";
  phase: TaskPhase;
  inputs: Record<string, unknown>;
  custom: LaunchOptions["custom"];
  outputPrefix: string;
  launched: LaunchedTask | undefined;
  failures: number;
  deadlineAt: number | undefined;
  abort: boolean;
  busy: boolean;
  timer: NodeJS.Timeout | undefined;
  /** Set for a task resumed after a restart until its first poll. */
  resumed: boolean;
}

const noDeadlineMs = 2_147_483_647;

function callFailure(what: string, err: unknown): string {
  const error = ConnectError.from(err);
  return `${what} with rpc error: code = ${Code[error.code]} desc = ${error.rawMessage}`;
}

/** Values decoded from literals as JSON: dates as ISO text, bytes as base64, numbers exact. */
function storable(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (Array.isArray(value)) return value.map(storable);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), storable(v)]));
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, storable(v)]));
  }
  return value;
}

const json = (value: unknown): string => stringifyJson(storable(value)) ?? "null";
const unjson = (text: string | null): unknown => (text === null ? null : exactNumbers(parseJson(text)));

/** The Flyte engine. */
export class FlyteEngine {
  private readonly drivers = new Map<string, FlyteDriver>();
  private readonly deployments: ConnectorConfig[];
  private registryRows: RegistryRow[] = [];
  private registry = new Map<string, Map<number, { connector: ConnectorConfig; isSync: boolean }>>();
  private readonly connectorStatus = new Map<string, ConnectorStatus>();
  private readonly open = new Map<string, OpenTask>();
  private readonly queue: WorkQueue;
  private refreshTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private seq = 0;
  /** Counters for `stats()`: GetTask calls made, and the resume after a restart. */
  private polls = 0;
  private resume: { tasks: number; pending: number; startedAt: number; doneAt?: number } | undefined;

  constructor(
    private readonly config: FlyteConfig,
    private readonly store: HostStore,
    private readonly events: EventBus,
    private readonly log: (line: string) => void = () => {},
  ) {
    this.deployments = [...(config.defaultConnector ? [config.defaultConnector] : []), ...config.connectors];
    for (const d of this.deployments) {
      this.drivers.set(
        d.id,
        createFlyteDriver({
          url: `${d.insecure ? "http" : "https"}://${d.endpoint}`,
          callTimeoutMs: d.defaultTimeoutMs === 0 ? noDeadlineMs : d.defaultTimeoutMs,
          maxSystemFailures: config.maxSystemFailures,
        }),
      );
      this.connectorStatus.set(d.id, { id: d.id, endpoint: d.endpoint, state: "unknown", taskTypes: 0 });
    }
    this.queue = new WorkQueue(config.workers, (err) => this.log(`flyte: internal error: ${err instanceof Error ? err.stack : String(err)}`));
    const max = store.db.prepare("SELECT MAX(seq) AS seq FROM flyte_tasks").get() as { seq: number | null };
    this.seq = max.seq ?? 0;
  }

  /** The connectors configured, the default first. */
  get connectors(): readonly ConnectorConfig[] {
    return this.deployments;
  }

  private callOptions(connector: ConnectorConfig, op: FlyteOperation): CallOptions {
    const ms = connector.timeoutsMs[op] ?? connector.defaultTimeoutMs;
    return { timeoutMs: ms === 0 ? noDeadlineMs : ms };
  }

  private driver(connector: ConnectorConfig): FlyteDriver {
    return this.drivers.get(connector.id)!;
  }

  /** The first registry refresh (Propeller's plugin init), then the open tasks resumed, then the refresh loop. */
  async start(): Promise<void> {
    await this.refresh();
    this.resumeOpenTasks();
    const loop = () => {
      this.refreshTimer = setTimeout(() => {
        void this.refresh().finally(() => {
          if (!this.stopped) loop();
        });
      }, this.config.pollIntervalMs);
    };
    if (this.deployments.length > 0) loop();
  }

  /**
   * One registry refresh: ListAgents on every deployment (with its `ListAgents` timeout), merged in
   * Propeller's order. UNIMPLEMENTED means "no metadata service" and counts as an empty answer; any other
   * error skips that deployment for this round.
   */
  async refresh(): Promise<void> {
    const answers = await Promise.all(
      this.deployments.map(async (d) => {
        const status = this.connectorStatus.get(d.id)!;
        const before = status.state;
        try {
          const listed = await this.driver(d).refreshAgents(this.callOptions(d, "ListAgents"));
          status.state = listed.size === 0 ? "no metadata service" : "listed";
          delete status.lastError;
          status.lastRefreshAt = new Date().toISOString();
          status.taskTypes = listed.size;
          return { d, listed };
        } catch (err) {
          status.state = "unreachable";
          status.lastError = callFailure("ListAgents failed", err);
          status.lastRefreshAt = new Date().toISOString();
          if (before !== "unreachable") this.log(`flyte: connector ${d.id} (${d.endpoint}): ${status.lastError}; skipped until it answers`);
          return { d, listed: undefined };
        }
      }),
    );
    if (this.stopped) return;
    const registry = new Map<string, Map<number, { connector: ConnectorConfig; isSync: boolean }>>();
    const rows = new Map<string, RegistryRow[]>();
    for (const { d, listed } of answers) {
      if (listed === undefined) continue;
      for (const [name, versions] of listed) {
        // Each name replaces what an earlier deployment listed for it: Propeller's collapse.
        registry.set(name, new Map([...versions].map(([v, e]: [number, RegistryEntry]) => [v, { connector: d, isSync: e.isSync }])));
        rows.set(
          name,
          [...versions].map(([v, e]) => ({ taskType: name, version: v, mode: e.isSync ? "sync" : "async", connector: d.id, agent: e.agent, source: "ListAgents" })),
        );
      }
    }
    for (const [taskType, id] of Object.entries(this.config.connectorForTaskTypes)) {
      const connector = this.deployments.find((d) => d.id === id)!;
      registry.set(taskType, new Map([[0, { connector, isSync: false }]]));
      rows.set(taskType, [{ taskType, version: 0, mode: "async", connector: id, source: "connectorForTaskTypes" }]);
    }
    const fallback = this.config.defaultConnector;
    if (fallback !== undefined) {
      for (const taskType of this.config.supportedTaskTypes) {
        if (registry.has(taskType)) continue;
        registry.set(taskType, new Map([[0, { connector: fallback, isSync: false }]]));
        rows.set(taskType, [{ taskType, version: 0, mode: "async", connector: fallback.id, source: "supportedTaskTypes" }]);
      }
    }
    const next = [...rows.values()].flat().sort((a, b) => a.taskType.localeCompare(b.taskType) || a.version - b.version);
    const changed = JSON.stringify(next) !== JSON.stringify(this.registryRows);
    this.registry = registry;
    this.registryRows = next;
    if (changed) {
      this.events.emit("flyte.registry", "registry", { taskTypes: next.map((r) => `${r.taskType} v${r.version}`) });
      this.log(`flyte: registry: ${next.length === 0 ? "empty" : next.map((r) => `${r.taskType} v${r.version} → ${r.connector} (${r.mode})`).join(", ")}`);
    }
  }

  agents(): RegistryRow[] {
    return this.registryRows;
  }

  connectorStates(): ConnectorStatus[] {
    return [...this.connectorStatus.values()].map((s) => ({ ...s }));
  }

  /** How a task type version is routed, as Propeller's getFinalConnector: the registry, else the default connector, async. */
  private route(taskType: string, version: number): { connector: ConnectorConfig; isSync: boolean } | undefined {
    const hit = this.registry.get(taskType)?.get(version);
    if (hit) return hit;
    return this.config.defaultConnector ? { connector: this.config.defaultConnector, isSync: false } : undefined;
  }

  private definition(taskType: string, version: number, iface: SubmitTaskRequest["interface"]): AnyTaskDefinition {
    const inputs = parseTypes(iface?.inputs);
    const outputs = parseTypes(iface?.outputs);
    return defineTask({ taskType, version, ...(inputs ? { inputs } : {}), ...(outputs ? { outputs } : {}) });
  }

  /** Checks a task request, stores it and starts it. Refusals name the field and how to fix it. */
  submit(request: SubmitTaskRequest): { id: string } {
    if (this.stopped) throw new AgentwireError("unavailable", "the host is shutting down");
    const version = request.version ?? 0;
    let def: AnyTaskDefinition;
    try {
      def = this.definition(request.taskType, version, request.interface);
    } catch (err) {
      throw new AgentwireError("invalid_argument", `interface: ${(err as Error).message}`, { details: { field: "interface" } });
    }
    const inputs = request.inputs ?? {};
    try {
      const inputTypes = parseTypes(request.interface?.inputs);
      if (inputTypes !== undefined) toLiteralMap(inputs, inputTypes, { direction: "input" });
      else toLiteralMap(inputs);
    } catch (err) {
      if (err instanceof LiteralTypeError) {
        throw new AgentwireError("invalid_argument", `inputs: ${err.message}; fix the inputs or the interface`, { details: { field: "inputs" } });
      }
      throw err;
    }
    const route = this.route(request.taskType, version);
    if (route === undefined) {
      const known = this.registryRows.map((r) => `${r.taskType} v${r.version}`);
      throw new AgentwireError(
        "invalid_argument",
        `taskType: no connector serves ${request.taskType} v${version} (the registry lists ${known.length > 0 ? known.join(", ") : "nothing"}), and there is no flyte.defaultConnector to send it to; ` +
          "start a connector that lists it, map it with flyte.connectorForTaskTypes, or configure flyte.defaultConnector",
        { details: { field: "taskType" } },
      );
    }
    const id = `ft-${(++this.seq).toString().padStart(6, "0")}-${randomBytes(3).toString("hex")}`;
    const now = new Date().toISOString();
    const mode = route.isSync ? "sync" : "async";
    const outputPrefix = `s3://agentwire-host/metadata/${request.taskType}/${id}/0`;
    this.store.transaction(() => {
      this.store.db
        .prepare(
          `INSERT INTO flyte_tasks (id, seq, task_type, version, connector, mode, phase, message, inputs, interface, custom, timeout_ms, output_prefix, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, 'QUEUED', 'submitted', ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(id, this.seq, request.taskType, version, route.connector.id, mode, json(inputs), request.interface ? json(request.interface) : null, request.custom ? json(request.custom) : null, request.timeoutMs ?? null, outputPrefix, now, now);
      this.store.db.prepare("INSERT INTO flyte_events (task_id, n, phase, at, message) VALUES (?, 0, 'QUEUED', ?, 'submitted')").run(id, now);
    });
    const task: OpenTask = {
      id,
      def,
      connector: route.connector,
      mode,
      phase: "QUEUED",
      inputs,
      custom: request.custom as LaunchOptions["custom"],
      outputPrefix,
      launched: undefined,
      failures: 0,
      deadlineAt: request.timeoutMs === undefined ? undefined : Date.now() + request.timeoutMs,
      abort: false,
      busy: false,
      timer: undefined,
      resumed: false,
    };
    this.open.set(id, task);
    this.events.emit("flyte.task", id, { phase: "QUEUED", taskType: request.taskType, version, connector: route.connector.id, mode });
    this.schedule(task, 0);
    return { id };
  }

  /** Reloads every task that was not terminal when the host stopped (or was killed). */
  private resumeOpenTasks(): void {
    const rows = this.store.db.prepare("SELECT * FROM flyte_tasks WHERE terminal = 0 ORDER BY seq").all() as TaskRow[];
    if (rows.length === 0) return;
    this.resume = { tasks: rows.length, pending: rows.length, startedAt: performance.now() };
    for (const row of rows) {
      const iface = unjson(row.interface) as SubmitTaskRequest["interface"] | null;
      let def: AnyTaskDefinition;
      try {
        def = this.definition(row.task_type, row.version, iface ?? undefined);
      } catch {
        def = this.definition(row.task_type, row.version, undefined);
      }
      const connector = this.deployments.find((d) => d.id === row.connector) ?? this.route(row.task_type, row.version)?.connector;
      const task: OpenTask = {
        id: row.id,
        def,
        connector,
        mode: row.mode,
        phase: row.phase,
        inputs: (unjson(row.inputs) ?? {}) as Record<string, unknown>,
        custom: row.custom === null ? undefined : (JSON.parse(row.custom) as LaunchOptions["custom"]),
        outputPrefix: row.output_prefix,
        launched:
          row.resource_meta === null
            ? undefined
            : { task: def, category: { name: row.task_type, version: row.version }, resourceMeta: new Uint8Array(row.resource_meta), outputPrefix: row.output_prefix },
        failures: row.sync_failures,
        deadlineAt: row.timeout_ms === null ? undefined : Date.parse(row.created_at) + row.timeout_ms,
        abort: row.abort_requested === 1,
        busy: false,
        timer: undefined,
        resumed: true,
      };
      this.open.set(task.id, task);
      this.schedule(task, 0);
    }
    this.log(`flyte: resumed ${rows.length} task(s) that were in flight when the host stopped`);
  }

  private schedule(task: OpenTask, delayMs: number): void {
    if (this.stopped) return;
    if (task.timer) clearTimeout(task.timer);
    const due = task.deadlineAt === undefined ? delayMs : Math.min(delayMs, Math.max(0, task.deadlineAt - Date.now()));
    task.timer = setTimeout(() => {
      task.timer = undefined;
      this.queue.push(() => this.step(task));
    }, due);
  }

  /** One round for one task: create it, poll it, time it out or abort it. */
  private async step(task: OpenTask): Promise<void> {
    if (this.stopped || task.busy || !this.open.has(task.id)) return;
    task.busy = true;
    try {
      if (task.abort) return await this.sendAbort(task, "aborted");
      if (task.deadlineAt !== undefined && Date.now() >= task.deadlineAt) return await this.sendAbort(task, "timeout");
      if (task.connector === undefined) {
        return this.finish(task, "FAILED", `no connector serves ${task.def.taskType} v${task.def.version} any more and there is no flyte.defaultConnector`);
      }
      if (task.mode === "sync") return await this.runSync(task);
      if (task.launched === undefined) return await this.create(task);
      await this.poll(task);
    } finally {
      task.busy = false;
    }
  }

  private async create(task: OpenTask): Promise<void> {
    const connector = task.connector!;
    let launched: LaunchedTask;
    try {
      launched = await this.driver(connector).launch(task.def, task.inputs, {
        ...(task.custom ? { custom: task.custom } : {}),
        outputPrefix: task.outputPrefix,
        call: this.callOptions(connector, "CreateTask"),
      });
    } catch (err) {
      this.resumed(task);
      // Propeller: any CreateTask error is a retryable failure of the attempt.
      return this.finish(task, "RETRYABLE_FAILED", callFailure("failed to create task from connector", err));
    }
    if (this.stopped) return;
    task.launched = launched;
    this.store.db.prepare("UPDATE flyte_tasks SET resource_meta = ?, updated_at = ? WHERE id = ?").run(Buffer.from(launched.resourceMeta), new Date().toISOString(), task.id);
    this.record(task, { phase: "QUEUED", message: "launched" }, true);
    this.resumed(task);
    if (task.abort) return this.schedule(task, 0);
    this.schedule(task, this.config.resyncPeriodMs);
  }

  private async poll(task: OpenTask): Promise<void> {
    const connector = task.connector!;
    let resource: TaskResource;
    try {
      this.polls += 1;
      resource = await this.driver(connector).getTask(task.launched!, this.callOptions(connector, "GetTask"));
    } catch (err) {
      if (this.stopped) return;
      this.resumed(task);
      task.failures += 1;
      this.store.db.prepare("UPDATE flyte_tasks SET sync_failures = ? WHERE id = ?").run(task.failures, task.id);
      if (task.failures > this.config.maxSystemFailures) {
        return this.finish(
          task,
          "RETRYABLE_FAILED",
          `system failure: GetTask failed ${task.failures} times (more than maxSystemFailures ${this.config.maxSystemFailures}); last: ${callFailure("GetTask failed", err)}`,
        );
      }
      return this.schedule(task, this.config.resyncPeriodMs);
    }
    if (this.stopped) return;
    this.resumed(task);
    if (isTerminalPhase(resource.phase)) {
      const outputs = resource.phase === "SUCCEEDED" ? (resource as { outputs?: unknown }).outputs : undefined;
      return this.finish(task, resource.phase, resource.message, resource.logLinks, outputs);
    }
    this.record(task, resource);
    this.schedule(task, task.abort ? 0 : this.config.resyncPeriodMs);
  }

  private async runSync(task: OpenTask): Promise<void> {
    const connector = task.connector!;
    this.record(task, { phase: "RUNNING", message: "ExecuteTaskSync sent" }, true);
    const run = await this.driver(connector).runSync(task.def, task.inputs, {
      ...(task.custom ? { custom: task.custom } : {}),
      outputPrefix: task.outputPrefix,
      call: this.callOptions(connector, "ExecuteTaskSync"),
    });
    this.resumed(task);
    if (this.stopped || !this.open.has(task.id)) return;
    this.finish(task, run.phase, run.message, run.resource?.logLinks, run.outputs);
  }

  /** Abort or timeout: DeleteTask (when there is something to delete), then ABORTED or FAILED. A failed DeleteTask is sent again next round. */
  private async sendAbort(task: OpenTask, why: "aborted" | "timeout"): Promise<void> {
    if (task.launched !== undefined && task.connector !== undefined) {
      try {
        await this.driver(task.connector).deleteTask(task.launched, this.callOptions(task.connector, "DeleteTask"));
      } catch (err) {
        if (this.stopped) return;
        const text = callFailure("DeleteTask failed", err);
        this.store.db.prepare("UPDATE flyte_tasks SET message = ?, updated_at = ? WHERE id = ?").run(`${why === "aborted" ? "abort" : "timeout"}: ${text}; sent again every resyncPeriod`, new Date().toISOString(), task.id);
        this.events.emit("flyte.task", task.id, { phase: task.phase, message: text });
        return this.schedule(task, this.config.resyncPeriodMs);
      }
    }
    this.resumed(task);
    const sent = task.launched !== undefined ? ": DeleteTask sent" : task.mode === "sync" ? " (a sync task has nothing to delete)" : " before CreateTask answered";
    if (why === "aborted") return this.finish(task, "ABORTED", `aborted${sent}`);
    const row = this.store.db.prepare("SELECT timeout_ms FROM flyte_tasks WHERE id = ?").get(task.id) as { timeout_ms: number | null };
    this.finish(task, "FAILED", `task timed out after ${(row.timeout_ms ?? 0) / 1000} s${sent}`);
  }

  private resumed(task: OpenTask): void {
    if (!task.resumed || this.resume === undefined) return;
    task.resumed = false;
    this.resume.pending -= 1;
    if (this.resume.pending === 0) {
      this.resume.doneAt = performance.now();
      this.log(`flyte: all ${this.resume.tasks} resumed task(s) answered their first call in ${((this.resume.doneAt - this.resume.startedAt) / 1000).toFixed(1)} s`);
    }
  }

  /** Writes a phase change (only when the phase differs, as Propeller emits events), then announces it. */
  private record(task: OpenTask, resource: { phase: TaskPhase; message?: string; logLinks?: LogLink[] }, force = false): void {
    if (!force && resource.phase === task.phase) return;
    const now = new Date().toISOString();
    this.store.transaction(() => {
      const { n } = this.store.db.prepare("SELECT COALESCE(MAX(n), -1) + 1 AS n FROM flyte_events WHERE task_id = ?").get(task.id) as { n: number };
      this.store.db
        .prepare("INSERT INTO flyte_events (task_id, n, phase, at, message, log_links) VALUES (?, ?, ?, ?, ?, ?)")
        .run(task.id, n, resource.phase, now, resource.message ?? null, resource.logLinks ? json(resource.logLinks) : null);
      this.store.db
        .prepare("UPDATE flyte_tasks SET phase = ?, message = ?, log_links = COALESCE(?, log_links), updated_at = ? WHERE id = ?")
        .run(resource.phase, resource.message ?? null, resource.logLinks ? json(resource.logLinks) : null, now, task.id);
    });
    task.phase = resource.phase;
    this.events.emit("flyte.task", task.id, { phase: resource.phase, ...(resource.message ? { message: resource.message } : {}) });
  }

  private finish(task: OpenTask, phase: TaskPhase, message?: string, logLinks?: LogLink[], outputs?: unknown): void {
    if (task.timer) clearTimeout(task.timer);
    this.open.delete(task.id);
    this.record(task, { phase, ...(message ? { message } : {}), ...(logLinks ? { logLinks } : {}) }, true);
    this.store.db.prepare("UPDATE flyte_tasks SET terminal = 1, abort_requested = 0, outputs = ? WHERE id = ?").run(outputs === undefined ? null : json(outputs), task.id);
  }

  /** DELETE /api/flyte/tasks/{id}: DeleteTask is sent by the next round (at once), and the task ends ABORTED. */
  abort(id: string): TaskView {
    const view = this.get(id);
    const task = this.open.get(id);
    if (task === undefined) {
      throw new AgentwireError("failed_precondition", `task ${id} already ended ${view.phase}; only a task still running can be aborted`);
    }
    task.abort = true;
    this.store.db.prepare("UPDATE flyte_tasks SET abort_requested = 1 WHERE id = ?").run(id);
    if (!task.busy) this.schedule(task, 0);
    return view;
  }

  get(id: string): TaskView {
    const row = this.store.db.prepare("SELECT * FROM flyte_tasks WHERE id = ?").get(id) as TaskRow | undefined;
    if (row === undefined) throw new AgentwireError("not_found", `no Flyte task ${JSON.stringify(id)}; GET /api/flyte/tasks lists them`);
    const history = (this.store.db.prepare("SELECT phase, at, message, log_links FROM flyte_events WHERE task_id = ? ORDER BY n").all(id) as Array<{ phase: TaskPhase; at: string; message: string | null; log_links: string | null }>).map(
      (e) => ({ phase: e.phase, at: e.at, ...(e.message ? { message: e.message } : {}), ...(e.log_links ? { logLinks: unjson(e.log_links) as LogLink[] } : {}) }),
    );
    return { ...this.summary(row), history };
  }

  private summary(row: TaskRow): TaskView {
    return {
      id: row.id,
      taskType: row.task_type,
      version: row.version,
      connector: row.connector,
      mode: row.mode,
      phase: row.phase,
      message: row.message,
      inputs: unjson(row.inputs),
      outputs: unjson(row.outputs),
      logLinks: (unjson(row.log_links) ?? []) as LogLink[],
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      history: [],
    };
  }

  list(filter: { phase?: string; taskType?: string; limit?: number } = {}): Array<Omit<TaskView, "history">> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.phase) {
      where.push("phase = ?");
      args.push(filter.phase);
    }
    if (filter.taskType) {
      where.push("task_type = ?");
      args.push(filter.taskType);
    }
    const sql = `SELECT * FROM flyte_tasks ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY seq DESC LIMIT ?`;
    return (this.store.db.prepare(sql).all(...args, filter.limit ?? 100) as TaskRow[]).map((row) => {
      const { history: _history, ...rest } = this.summary(row);
      return rest;
    });
  }

  /** Figures for /api/health and the benchmark. */
  stats(): { open: number; polls: number; queued: number; resume?: { tasks: number; pending: number; seconds?: number } } {
    return {
      open: this.open.size,
      polls: this.polls,
      queued: this.queue.size,
      ...(this.resume
        ? { resume: { tasks: this.resume.tasks, pending: this.resume.pending, ...(this.resume.doneAt ? { seconds: (this.resume.doneAt - this.resume.startedAt) / 1000 } : {}) } }
        : {}),
    };
  }

  /** Stops refreshing and polling; calls in flight are waited for. Open tasks stay open in the store and resume on the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    for (const task of this.open.values()) if (task.timer) clearTimeout(task.timer);
    await this.queue.stop();
  }
}

