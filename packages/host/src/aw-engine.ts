// The ActiveWorkflow engine: what ActiveWorkflow's Rails processes do with remote agents, on one machine.
// At start every agent URL gets `register`, as at ActiveWorkflow's boot (a failure is reported, naming the
// URL, and the others still run; the host tries it again every 10 s where ActiveWorkflow would not boot).
// Each instance's `check` runs on its schedule (ActiveWorkflow's schedule names); every message an
// instance emits is delivered, one `receive` per message, to every instance linked from it; each result is
// applied with ActiveWorkflow's semantics (errors, logs, memory replaced when given, messages) by the
// ActiveWorkflowDriver of @agentwire/activeworkflow/testing, the same model the harness and authors' tests use.
//
// Durability: a result is applied in one transaction: the instance's new memory, the messages it emitted,
// a pending delivery of each to every linked instance, its events, and the delivery it answered marked
// done. A host killed mid-call delivers that message again on its next start (at least once), and no
// applied memory is lost. Calls to one instance run one at a time, so two results never race on its memory
// (ActiveWorkflow's two workers can; the host does not model that loss).
import { AgentwireError, isJsonObject, messageOf, parseJson, stringifyJson, type JsonObject } from "@agentwire/core";
import { createActiveWorkflowDriver, type ActiveWorkflowDriver, type AgentInstance, type CallOutcome } from "@agentwire/activeworkflow/testing";
import type { ActiveWorkflowConfig, AgentEndpointConfig, InstanceConfig } from "./config.js";
import type { EventBus } from "./events.js";
import { parseSchedule, type Schedule } from "./schedules.js";
import type { HostStore } from "./store.js";

/** An agent server and what its `register` said. */
export interface AgentView {
  url: string;
  state: "registering" | "registered" | "failed";
  name?: string;
  displayName?: string;
  description?: string;
  defaultOptions?: JsonObject;
  error?: string;
  where: string;
}

/** An instance as the API shows it: credential names only, never their values. */
export interface InstanceView {
  name: string;
  id: number;
  type: string;
  agent: string | null;
  state: "ready" | "disabled" | "type not registered";
  schedule: string;
  nextCheckAt: string | null;
  options: JsonObject;
  credentials: string[];
  memory: JsonObject;
  source: "config" | "api";
  lastCheckAt: string | null;
  lastReceiveAt: string | null;
  pendingMessages: number;
}

/** What `POST /api/activeworkflow/instances` takes. */
export interface CreateInstanceRequest {
  name: string;
  type: string;
  options?: JsonObject;
  credentials?: Record<string, string>;
  schedule?: string;
}

/** One line of an instance's event log. */
export interface InstanceEvent {
  id: number;
  kind: "received" | "emitted" | "log" | "error" | "memory" | "checked";
  at: string;
  [key: string]: unknown;
}

interface InstanceRow {
  name: string;
  id: number;
  type: string;
  options: string;
  credentials: string;
  schedule: string;
  disabled: number;
  memory: string;
  source: "config" | "api";
  last_check_at: string | null;
  last_receive_at: string | null;
}

interface Agent {
  config: AgentEndpointConfig;
  driver: ActiveWorkflowDriver;
  view: AgentView;
}

const retryRegisterMs = 10_000;
const obj = (text: string): JsonObject => {
  const value = parseJson(text);
  return isJsonObject(value) ? value : {};
};

/** The ActiveWorkflow engine. */
export class ActiveWorkflowEngine {
  private readonly agents: Agent[];
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly scheduleTimers = new Map<string, { timer: NodeJS.Timeout; at: Date }>();
  private readonly deliveryTimers = new Map<string, NodeJS.Timeout>();
  private readonly draining = new Set<string>();
  /** Instances kicked while their drain ran: drained once more when it ends. */
  private readonly rekick = new Set<string>();
  private registerTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly config: ActiveWorkflowConfig,
    private readonly store: HostStore,
    private readonly events: EventBus,
    private readonly log: (line: string) => void = () => {},
  ) {
    this.agents = config.agents.map((agent) => ({
      config: agent,
      driver: createActiveWorkflowDriver({ url: agent.url, ...(config.timeZone ? { timeZone: config.timeZone } : {}), callTimeoutMs: 60_000 }),
      view: { url: agent.url, state: "registering", where: agent.where },
    }));
  }

  /** Registers every agent, writes the configured instances, arms the schedules and resumes pending deliveries. */
  async start(): Promise<void> {
    await Promise.all(this.agents.map((agent) => this.register(agent)));
    this.syncConfiguredInstances();
    for (const row of this.instanceRows()) this.arm(row);
    for (const { instance } of this.store.db.prepare("SELECT DISTINCT instance FROM aw_deliveries WHERE state = 'pending'").all() as Array<{ instance: string }>) {
      this.kick(instance);
    }
    this.armRegisterRetry();
  }

  private armRegisterRetry(): void {
    if (this.stopped || !this.agents.some((a) => a.view.state === "failed")) return;
    this.registerTimer = setTimeout(() => {
      void Promise.all(this.agents.filter((a) => a.view.state === "failed").map((a) => this.register(a))).then(() => {
        for (const row of this.instanceRows()) this.kick(row.name);
        this.armRegisterRetry();
      });
    }, retryRegisterMs);
  }

  private async register(agent: Agent): Promise<void> {
    const outcome = await agent.driver.register();
    const before = agent.view.state;
    const r = outcome.registration;
    if (outcome.failed || r === undefined || typeof r.name !== "string") {
      const why = outcome.warnings.map((w) => w.message).join("; ") || "no usable register result";
      agent.view = { url: agent.config.url, state: "failed", error: why, where: agent.config.where };
      if (before !== "failed") this.log(`activeworkflow: register failed for ${agent.config.url} (${agent.config.where}): ${why}; the other agents still run, and it is tried again every ${retryRegisterMs / 1000} s`);
    } else {
      agent.view = {
        url: agent.config.url,
        state: "registered",
        name: r.name,
        ...(typeof r.display_name === "string" ? { displayName: r.display_name } : {}),
        ...(typeof r.description === "string" ? { description: r.description } : {}),
        defaultOptions: isJsonObject(r.default_options) ? r.default_options : {},
        where: agent.config.where,
      };
      const clash = this.agents.find((other) => other !== agent && other.view.state === "registered" && other.view.name === r.name);
      if (clash) this.log(`activeworkflow: ${agent.config.url} registers ${r.name}, as ${clash.config.url} does; the last one registered wins, as in ActiveWorkflow`);
      if (before !== "registered") this.log(`activeworkflow: registered ${r.name} at ${agent.config.url}`);
    }
    this.events.emit("activeworkflow.agent", agent.config.url, { state: agent.view.state, ...(agent.view.name ? { name: agent.view.name } : {}) });
  }

  agentViews(): AgentView[] {
    return this.agents.map((a) => ({ ...a.view }));
  }

  private agentFor(type: string): Agent | undefined {
    return [...this.agents].reverse().find((a) => a.view.state === "registered" && a.view.name === type);
  }

  private instanceRows(): InstanceRow[] {
    return this.store.db.prepare("SELECT * FROM aw_instances ORDER BY id").all() as InstanceRow[];
  }

  private row(name: string): InstanceRow {
    const row = this.store.db.prepare("SELECT * FROM aw_instances WHERE name = ?").get(name) as InstanceRow | undefined;
    if (row === undefined) {
      const names = this.instanceRows().map((r) => r.name);
      throw new AgentwireError("not_found", `no ActiveWorkflow instance ${JSON.stringify(name)} (there are ${names.length > 0 ? names.join(", ") : "none"}); POST /api/activeworkflow/instances creates one`);
    }
    return row;
  }

  /** The configuration's instances written over the stored ones of the same name (memory kept). */
  private syncConfiguredInstances(): void {
    this.store.transaction(() => {
      for (const inst of this.config.instances) this.upsert(inst, "config");
    });
  }

  private upsert(inst: Pick<InstanceConfig, "name" | "type" | "options" | "credentials" | "schedule" | "disabled">, source: "config" | "api"): void {
    const existing = this.store.db.prepare("SELECT id FROM aw_instances WHERE name = ?").get(inst.name) as { id: number } | undefined;
    const options = stringifyJson(inst.options ?? {})!;
    const credentials = JSON.stringify(inst.credentials);
    if (existing) {
      this.store.db
        .prepare("UPDATE aw_instances SET type = ?, options = ?, credentials = ?, schedule = ?, disabled = ?, source = ? WHERE name = ?")
        .run(inst.type, options, credentials, inst.schedule, inst.disabled ? 1 : 0, source, inst.name);
      return;
    }
    const { id } = this.store.db.prepare("SELECT COALESCE(MAX(id), 0) + 1 AS id FROM aw_instances").get() as { id: number };
    this.store.db
      .prepare("INSERT INTO aw_instances (name, id, type, options, credentials, schedule, disabled, source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .run(inst.name, id, inst.type, options, credentials, inst.schedule, inst.disabled ? 1 : 0, source, new Date().toISOString());
  }

  /** POST /api/activeworkflow/instances. */
  createInstance(request: CreateInstanceRequest): InstanceView {
    if (this.store.db.prepare("SELECT 1 FROM aw_instances WHERE name = ?").get(request.name)) {
      throw new AgentwireError("already_exists", `name: an instance named ${JSON.stringify(request.name)} exists already; pick another name`, { details: { field: "name" } });
    }
    const schedule = request.schedule ?? "never";
    try {
      parseSchedule(schedule, this.config.timeZone ? { timeZone: this.config.timeZone } : {});
    } catch (err) {
      throw new AgentwireError("invalid_argument", `schedule: ${messageOf(err)}`, { details: { field: "schedule" } });
    }
    const agent = this.agentFor(request.type);
    if (agent === undefined) {
      const types = this.agents.filter((a) => a.view.state === "registered").map((a) => a.view.name);
      throw new AgentwireError(
        "invalid_argument",
        `type: no registered agent is ${JSON.stringify(request.type)} (registered: ${types.length > 0 ? types.join(", ") : "none"}); GET /api/activeworkflow/agents lists them`,
        { details: { field: "type" } },
      );
    }
    this.upsert(
      {
        name: request.name,
        type: request.type,
        ...(request.options ? { options: request.options } : {}),
        credentials: Object.entries(request.credentials ?? {}).map(([name, value]) => ({ name, value })),
        schedule,
        disabled: false,
      },
      "api",
    );
    const row = this.row(request.name);
    this.arm(row);
    this.events.emit("activeworkflow.instance", row.name, { created: true });
    return this.view(row);
  }

  private effectiveOptions(row: InstanceRow): JsonObject {
    const defaults = this.agentFor(row.type)?.view.defaultOptions ?? {};
    return { ...defaults, ...obj(row.options) };
  }

  private view(row: InstanceRow): InstanceView {
    const agent = this.agentFor(row.type);
    const { pending } = this.store.db.prepare("SELECT COUNT(*) AS pending FROM aw_deliveries WHERE instance = ? AND state = 'pending'").get(row.name) as { pending: number };
    return {
      name: row.name,
      id: row.id,
      type: row.type,
      agent: agent?.config.url ?? null,
      state: row.disabled ? "disabled" : agent ? "ready" : "type not registered",
      schedule: row.schedule,
      nextCheckAt: this.scheduleTimers.get(row.name)?.at.toISOString() ?? null,
      options: this.effectiveOptions(row),
      credentials: (JSON.parse(row.credentials) as Array<{ name: string }>).map((c) => c.name),
      memory: obj(row.memory),
      source: row.source,
      lastCheckAt: row.last_check_at,
      lastReceiveAt: row.last_receive_at,
      pendingMessages: pending,
    };
  }

  instances(): InstanceView[] {
    return this.instanceRows().map((row) => this.view(row));
  }

  instance(name: string): InstanceView {
    return this.view(this.row(name));
  }

  instanceEvents(name: string, options: { after?: number; limit?: number } = {}): InstanceEvent[] {
    this.row(name);
    const rows = this.store.db
      .prepare("SELECT id, kind, at, data FROM aw_events WHERE instance = ? AND id > ? ORDER BY id LIMIT ?")
      .all(name, options.after ?? 0, options.limit ?? 1000) as Array<{ id: number; kind: InstanceEvent["kind"]; at: string; data: string }>;
    return rows.map((r) => ({ id: r.id, kind: r.kind, at: r.at, ...obj(r.data) }));
  }

  /** Arms the next scheduled check of an instance. */
  private arm(row: InstanceRow): void {
    const existing = this.scheduleTimers.get(row.name);
    if (existing) clearTimeout(existing.timer);
    this.scheduleTimers.delete(row.name);
    if (this.stopped || row.disabled) return;
    const schedule: Schedule = parseSchedule(row.schedule, this.config.timeZone ? { timeZone: this.config.timeZone } : {});
    const at = schedule.next(new Date());
    if (at === undefined) return;
    const timer = setTimeout(() => {
      this.scheduleTimers.delete(row.name);
      void this.check(row.name, "schedule").catch(() => {});
      const current = this.store.db.prepare("SELECT * FROM aw_instances WHERE name = ?").get(row.name) as InstanceRow | undefined;
      if (current) this.arm(current);
    }, Math.max(0, at.getTime() - Date.now()));
    this.scheduleTimers.set(row.name, { timer, at });
  }

  /** Runs `fn` after every earlier call to the same instance: one call at a time per instance. */
  private serial<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.chains.get(name) ?? Promise.resolve();
    const next = previous.then(fn, fn);
    const tail = next.catch(() => {});
    this.chains.set(name, tail);
    void tail.then(() => {
      if (this.chains.get(name) === tail) this.chains.delete(name);
    });
    return next;
  }

  private instanceFor(row: InstanceRow): AgentInstance {
    return {
      id: row.id,
      name: row.name,
      userId: 1,
      options: this.effectiveOptions(row),
      memory: obj(row.memory),
      credentials: JSON.parse(row.credentials) as Array<{ name: string; value: string }>,
      disabled: row.disabled === 1,
      log: [],
    };
  }

  /** `check` now (the Run button; also what a schedule tick does). Resolves with what was applied. */
  async check(name: string, trigger: "schedule" | "api" = "api"): Promise<{ messages: JsonObject[]; logs: string[]; errors: string[]; memory: JsonObject; failed: boolean }> {
    this.row(name);
    return this.serial(name, async () => {
      const row = this.row(name);
      const agent = this.agentFor(row.type);
      if (agent === undefined) {
        const text = `check not sent: no registered agent is ${row.type} (GET /api/activeworkflow/agents shows why)`;
        this.store.transaction(() => this.event(name, "error", { message: text }));
        throw new AgentwireError("failed_precondition", text);
      }
      const instance = this.instanceFor(row);
      const outcome = await agent.driver.check(instance);
      this.store.transaction(() => {
        this.event(name, "checked", { trigger });
        this.apply(row, instance, outcome, "last_check_at");
      });
      this.announce(name, outcome);
      return { messages: outcome.messages, logs: outcome.logs, errors: outcome.errors, memory: instance.memory, failed: outcome.failed };
    });
  }

  /** POST /api/activeworkflow/instances/{name}/messages: a message from outside (source id 0) for this instance. */
  postMessage(name: string, payload: JsonObject): { messageId: number } {
    this.row(name);
    const messageId = this.store.transaction(() => {
      const id = Number(
        this.store.db.prepare("INSERT INTO aw_messages (source, source_id, payload, created_at) VALUES (NULL, 0, ?, ?)").run(stringifyJson(payload)!, new Date().toISOString()).lastInsertRowid,
      );
      this.store.db.prepare("INSERT INTO aw_deliveries (message_id, instance, state) VALUES (?, ?, 'pending')").run(id, name);
      return id;
    });
    this.kick(name);
    return { messageId };
  }

  /** Writes the result of one call: events, logs, errors, memory, emitted messages and their deliveries. Inside a transaction. */
  private apply(row: InstanceRow, instance: AgentInstance, outcome: CallOutcome, stamp: "last_check_at" | "last_receive_at"): void {
    const now = new Date().toISOString();
    for (const message of outcome.errors) this.event(row.name, "error", { message });
    for (const message of outcome.logs) this.event(row.name, "log", { message });
    for (const warning of outcome.warnings) {
      if (warning.code === "transport_error" || warning.fatal) this.event(row.name, "error", { message: `${warning.message} (ActiveWorkflow: ${warning.aw})` });
    }
    if (outcome.memoryReplaced) {
      this.store.db.prepare("UPDATE aw_instances SET memory = ? WHERE name = ?").run(stringifyJson(instance.memory)!, row.name);
      this.event(row.name, "memory", { memory: instance.memory });
    }
    const targets = this.config.links.filter((l) => l.from === row.name).map((l) => l.to);
    for (const payload of outcome.messages) {
      const id = Number(
        this.store.db.prepare("INSERT INTO aw_messages (source, source_id, payload, created_at) VALUES (?, ?, ?, ?)").run(row.name, row.id, stringifyJson(payload)!, now).lastInsertRowid,
      );
      for (const to of targets) this.store.db.prepare("INSERT OR IGNORE INTO aw_deliveries (message_id, instance, state) VALUES (?, ?, 'pending')").run(id, to);
      this.event(row.name, "emitted", { messageId: id, payload, to: targets });
    }
    if (!outcome.failed) this.store.db.prepare(`UPDATE aw_instances SET ${stamp} = ? WHERE name = ?`).run(now, row.name);
  }

  private event(instance: string, kind: InstanceEvent["kind"], data: Record<string, unknown>): void {
    this.store.db.prepare("INSERT INTO aw_events (instance, kind, at, data) VALUES (?, ?, ?, ?)").run(instance, kind, new Date().toISOString(), stringifyJson(data)!);
  }

  private announce(name: string, outcome: CallOutcome): void {
    this.events.emit("activeworkflow.instance", name, { method: outcome.method, messages: outcome.messages.length, failed: outcome.failed });
    const targets = new Set(this.config.links.filter((l) => l.from === name).map((l) => l.to));
    if (outcome.messages.length > 0) for (const to of targets) this.kick(to);
  }

  /** Delivers an instance's pending messages, oldest first, one `receive` each. */
  private kick(name: string): void {
    if (this.stopped) return;
    if (this.draining.has(name)) {
      // A drain is running: it may already have looked for the next message, so make it look once more.
      this.rekick.add(name);
      return;
    }
    this.draining.add(name);
    void this.serial(name, () => this.drain(name))
      .catch((err: unknown) => this.log(`activeworkflow: delivering to ${name}: ${messageOf(err)}`))
      .finally(() => {
        this.draining.delete(name);
        if (this.rekick.delete(name)) this.kick(name);
      });
  }

  private async drain(name: string): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      const row = this.store.db.prepare("SELECT * FROM aw_instances WHERE name = ?").get(name) as InstanceRow | undefined;
      if (row === undefined || row.disabled) return;
      const agent = this.agentFor(row.type);
      if (agent === undefined) return; // delivered once the type registers (the register retry kicks every instance)
      const next = this.store.db
        .prepare(
          "SELECT d.message_id, d.attempts, d.next_at, m.payload, m.source_id FROM aw_deliveries d JOIN aw_messages m ON m.id = d.message_id WHERE d.instance = ? AND d.state = 'pending' ORDER BY d.message_id LIMIT 1",
        )
        .get(name) as { message_id: number; attempts: number; next_at: string | null; payload: string; source_id: number } | undefined;
      if (next === undefined) return;
      const wait = next.next_at === null ? 0 : Date.parse(next.next_at) - Date.now();
      if (wait > 0) {
        clearTimeout(this.deliveryTimers.get(name));
        this.deliveryTimers.set(name, setTimeout(() => this.kick(name), wait));
        return;
      }
      const instance = this.instanceFor(row);
      const payload = obj(next.payload);
      const outcome = await agent.driver.receive(instance, payload, { from: next.source_id, message: { id: next.message_id } });
      if (this.stopped) return;
      this.store.transaction(() => {
        this.event(name, "received", { messageId: next.message_id, from: next.source_id, payload });
        this.apply(row, instance, outcome, "last_receive_at");
        if (!outcome.failed) {
          this.store.db.prepare("UPDATE aw_deliveries SET state = 'done', attempts = attempts + 1 WHERE message_id = ? AND instance = ?").run(next.message_id, name);
          return;
        }
        // delayed_job: the job raises and is retried (attempts**4 + 5 s), up to maxAttempts, then parked as failed.
        const attempts = next.attempts + 1;
        const parked = attempts >= this.config.maxAttempts;
        const error = outcome.warnings.map((w) => w.message).join("; ");
        this.store.db
          .prepare("UPDATE aw_deliveries SET state = ?, attempts = ?, next_at = ?, last_error = ? WHERE message_id = ? AND instance = ?")
          .run(parked ? "failed" : "pending", attempts, new Date(Date.now() + (attempts ** 4 + 5) * 1000).toISOString(), error, next.message_id, name);
        this.event(name, "error", {
          message: parked
            ? `message ${next.message_id} not delivered after ${attempts} attempts; parked as failed, as delayed_job does`
            : `receive of message ${next.message_id} failed (attempt ${attempts} of ${this.config.maxAttempts}); retried in ${attempts ** 4 + 5} s`,
        });
      });
      this.announce(name, outcome);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.registerTimer) clearTimeout(this.registerTimer);
    for (const { timer } of this.scheduleTimers.values()) clearTimeout(timer);
    for (const timer of this.deliveryTimers.values()) clearTimeout(timer);
    await Promise.allSettled([...this.chains.values()]);
  }
}
