import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type Transport } from "@connectrpc/connect";
import {
  ExecuteTaskSyncRequestSchema,
  TaskExecutionMetadataSchema,
  type ExecuteTaskSyncRequest,
  type Resource,
} from "../gen/flyteidl/admin/agent_pb.js";
import { TaskExecutionIdentifierSchema } from "../gen/flyteidl/core/identifier_pb.js";
import type { LiteralMap } from "../gen/flyteidl/core/literals_pb.js";
import type { VariableMap } from "../gen/flyteidl/core/interface_pb.js";
import { toLiteralMap, variables } from "../literals/index.js";
import { fromResourceProto, isTerminalPhase, type LogLink, type TaskPhase, type TaskResource } from "../task-resource.js";
import { createAgentClients, type AgentClients } from "./in-process.js";
import { taskTemplate, type TaskSpec } from "./task-template.js";

/** A phase change, as Propeller records it: only when the phase differs from the last one. */
export interface PhaseEvent {
  phase: TaskPhase;
  message?: string;
  logLinks?: LogLink[];
  /** Milliseconds since the run started. */
  atMs: number;
}

export interface PropellerDriverOptions {
  /** Between two GetTask calls. Propeller's default is 30 000; tests want it short. Default: 100. */
  pollIntervalMs?: number;
  /** Deadline of each call, like Propeller's `defaultTimeout`. Default: 10 000. */
  callTimeoutMs?: number;
  /** GetTask errors tolerated before the task fails as a system failure. Default: 5, as Propeller's `maxSystemFailures`. */
  maxSystemFailures?: number;
  /** Called on every phase change (for printing progress). */
  onEvent?: (event: PhaseEvent, spec: TaskSpec) => void;
}

export interface RunOptions {
  /** Aborting it sends DeleteTask (async tasks) and ends the run as ABORTED. */
  signal?: AbortSignal;
  /** The task's own timeout: when it passes, DeleteTask is sent and the run FAILS. Default: none. */
  timeoutMs?: number;
}

/** Where a launched async task is: what Propeller persists in the workflow's CRD. */
export interface LaunchedTask {
  spec: TaskSpec;
  category: { name: string; version: number };
  resourceMeta: Uint8Array;
  outputPrefix: string;
}

export interface TaskRun {
  /** How the task was run, decided by ListAgents like Propeller. */
  mode: "sync" | "async";
  phase: TaskPhase;
  /** Outputs decoded with the spec's output types; only when SUCCEEDED. */
  outputs?: Record<string, unknown>;
  message?: string;
  /** The last resource the agent reported. */
  resource?: TaskResource;
  /** Every phase change in order. */
  events: PhaseEvent[];
  /** The error that ended the run when a call failed (Propeller's "rpc error"). */
  error?: ConnectError;
  /** Async runs: what CreateTask returned. */
  launched?: LaunchedTask;
  /** Set when the run was ended by the driver: "signal" (aborted) or "timeout". */
  endedBy?: "signal" | "timeout";
}

interface RegistryEntry {
  isSync: boolean;
}

/**
 * Drives agents the way FlytePropeller 1.16 does: route by `ListAgents` (tolerating UNIMPLEMENTED),
 * then either `ExecuteTaskSync` (header, inputs, one reply that must be a header with a terminal phase) or
 * `CreateTask`, `GetTask` until terminal, and `DeleteTask` on abort or timeout. Outputs come back typed.
 * It works over any transport: `createInProcessTransport(agents)` in unit tests, or a network transport
 * against a real server. It is also the kernel of the reference host.
 */
export class PropellerDriver {
  readonly clients: AgentClients;
  private readonly pollIntervalMs: number;
  private readonly callTimeoutMs: number;
  private readonly maxSystemFailures: number;
  private readonly onEvent: PropellerDriverOptions["onEvent"];
  private registry: Map<string, Map<number, RegistryEntry>> | undefined;
  private counter = 0;

  constructor(transport: Transport, options: PropellerDriverOptions = {}) {
    this.clients = createAgentClients(transport);
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
    this.callTimeoutMs = options.callTimeoutMs ?? 10_000;
    this.maxSystemFailures = options.maxSystemFailures ?? 5;
    this.onEvent = options.onEvent;
  }

  /**
   * Refreshes the routing table from ListAgents, as Propeller's metadata watcher does every 10 s. Each
   * category *replaces* the versions seen for its name, so only the last version listed survives: the
   * same collapse Propeller 1.x performs.
   */
  async refreshAgents(): Promise<Map<string, Map<number, RegistryEntry>>> {
    const registry = new Map<string, Map<number, RegistryEntry>>();
    try {
      const { agents } = await this.clients.metadata.listAgents({}, { timeoutMs: this.callTimeoutMs });
      for (const agent of agents) {
        for (const name of agent.supportedTaskTypes) registry.set(name, new Map([[0, { isSync: agent.isSync }]]));
        for (const c of agent.supportedTaskCategories) registry.set(c.name, new Map([[c.version, { isSync: agent.isSync }]]));
      }
    } catch (err) {
      // Propeller tolerates an agent server without the metadata service and routes everything async.
      if (!(err instanceof ConnectError && err.code === Code.Unimplemented)) throw err;
    }
    this.registry = registry;
    return registry;
  }

  /** Runs one task to a terminal phase and returns its typed outputs. */
  async run(spec: TaskSpec, inputs: Record<string, unknown> = {}, options: RunOptions = {}): Promise<TaskRun> {
    const registry = this.registry ?? (await this.refreshAgents());
    // A miss falls back to the default connector, called async: Propeller's getFinalConnector.
    const entry = registry.get(spec.type)?.get(spec.version ?? 0);
    return entry?.isSync ? this.runSync(spec, inputs) : this.runAsync(spec, inputs, options);
  }

  private literalInputs(spec: TaskSpec, inputs: Record<string, unknown>): LiteralMap {
    return toLiteralMap(inputs, spec.inputs ? variables(spec.inputs) : undefined, { direction: "input" });
  }

  private outputVariables(spec: TaskSpec): VariableMap | undefined {
    return spec.outputs ? variables(spec.outputs) : undefined;
  }

  private nextOutputPrefix(spec: TaskSpec): string {
    this.counter += 1;
    return `s3://agentwire-test/metadata/${spec.type}/n${this.counter}/0`;
  }

  private executionMetadata(spec: TaskSpec) {
    return create(TaskExecutionMetadataSchema, {
      taskExecutionId: create(TaskExecutionIdentifierSchema, {
        taskId: { project: "flytesnacks", domain: "development", name: spec.name ?? `agentwire.test.${spec.type}`, version: "v1" },
        nodeExecutionId: { nodeId: "n0", executionId: { project: "flytesnacks", domain: "development", name: `a${this.counter}` } },
        retryAttempt: 0,
      }),
      namespace: "flytesnacks-development",
      k8sServiceAccount: "default",
    });
  }

  private async runSync(spec: TaskSpec, inputs: Record<string, unknown>): Promise<TaskRun> {
    const started = performance.now();
    const events: PhaseEvent[] = [];
    const template = taskTemplate(spec);
    const outputPrefix = this.nextOutputPrefix(spec);
    const literals = this.literalInputs(spec, inputs);
    const taskExecutionMetadata = this.executionMetadata(spec);
    async function* requests(): AsyncIterable<ExecuteTaskSyncRequest> {
      yield create(ExecuteTaskSyncRequestSchema, { part: { case: "header", value: { template, outputPrefix, taskExecutionMetadata } } });
      yield create(ExecuteTaskSyncRequestSchema, { part: { case: "inputs", value: literals } });
    }
    let resource: Resource | undefined;
    try {
      for await (const response of this.clients.sync.executeTaskSync(requests(), { timeoutMs: this.callTimeoutMs })) {
        if (response.res.case !== "header" || response.res.value.resource === undefined) {
          return this.failed("sync", events, started, "expected header in the response", spec);
        }
        resource = response.res.value.resource;
        break; // Propeller reads exactly one reply.
      }
    } catch (err) {
      return this.rpcFailure("sync", events, started, ConnectError.from(err), "failed to execute task", spec);
    }
    if (resource === undefined) return this.failed("sync", events, started, "the agent closed the stream without a reply", spec);
    const task = fromResourceProto(resource, this.outputVariables(spec));
    this.record(events, started, task, spec);
    if (!isTerminalPhase(task.phase)) {
      return this.failed("sync", events, started, `a sync agent answered non-terminal phase ${task.phase}`, spec);
    }
    return this.finish("sync", events, task);
  }

  /** Sends CreateTask the way Propeller does and returns what it would persist. */
  async launch(spec: TaskSpec, inputs: Record<string, unknown> = {}): Promise<LaunchedTask> {
    const outputPrefix = this.nextOutputPrefix(spec);
    const { resourceMeta } = await this.clients.async.createTask(
      {
        inputs: this.literalInputs(spec, inputs),
        template: taskTemplate(spec),
        outputPrefix,
        taskExecutionMetadata: this.executionMetadata(spec),
      },
      { timeoutMs: this.callTimeoutMs },
    );
    return { spec, category: { name: spec.type, version: spec.version ?? 0 }, resourceMeta, outputPrefix };
  }

  /** One GetTask for a launched task, decoded. */
  async getTask(task: LaunchedTask): Promise<TaskResource> {
    const { resource } = await this.clients.async.getTask(
      { taskType: task.category.name, taskCategory: task.category, resourceMeta: task.resourceMeta, outputPrefix: task.outputPrefix },
      { timeoutMs: this.callTimeoutMs },
    );
    if (resource === undefined) {
      throw new ConnectError("GetTask answered without a resource", Code.Internal);
    }
    return fromResourceProto(resource, this.outputVariables(task.spec));
  }

  /** DeleteTask for a launched task (Propeller's abort). */
  async deleteTask(task: LaunchedTask): Promise<void> {
    await this.clients.async.deleteTask(
      { taskType: task.category.name, taskCategory: task.category, resourceMeta: task.resourceMeta },
      { timeoutMs: this.callTimeoutMs },
    );
  }

  /**
   * Polls a launched task until it is terminal, as Propeller's cache does: GetTask errors count up and are
   * never reset; above `maxSystemFailures` the task fails. Abort and timeout send DeleteTask.
   */
  async poll(task: LaunchedTask, options: RunOptions = {}, events: PhaseEvent[] = [], started = performance.now()): Promise<TaskRun> {
    let failures = 0;
    let lastError: ConnectError | undefined;
    const deadline = options.timeoutMs === undefined ? undefined : started + options.timeoutMs;
    for (;;) {
      if (options.signal?.aborted) return this.abort(task, events, started, "signal");
      if (deadline !== undefined && performance.now() >= deadline) return this.abort(task, events, started, "timeout");
      try {
        const resource = await this.getTask(task);
        this.record(events, started, resource, task.spec);
        if (isTerminalPhase(resource.phase)) return { ...this.finish("async", events, resource), launched: task };
      } catch (err) {
        lastError = ConnectError.from(err);
        failures += 1;
        if (failures > this.maxSystemFailures) {
          return { ...this.rpcFailure("async", events, started, lastError, "GetTask failed", task.spec), launched: task };
        }
      }
      await sleep(this.pollIntervalMs, options.signal);
    }
  }

  private async runAsync(spec: TaskSpec, inputs: Record<string, unknown>, options: RunOptions): Promise<TaskRun> {
    const started = performance.now();
    const events: PhaseEvent[] = [];
    let task: LaunchedTask;
    try {
      task = await this.launch(spec, inputs);
    } catch (err) {
      return this.rpcFailure("async", events, started, ConnectError.from(err), "failed to create task from connector", spec);
    }
    this.record(events, started, { phase: "QUEUED", message: "launched" }, spec);
    return this.poll(task, options, events, started);
  }

  private async abort(task: LaunchedTask, events: PhaseEvent[], started: number, endedBy: "signal" | "timeout"): Promise<TaskRun> {
    let error: ConnectError | undefined;
    try {
      await this.deleteTask(task);
    } catch (err) {
      error = ConnectError.from(err);
    }
    const phase: TaskPhase = endedBy === "signal" ? "ABORTED" : "FAILED";
    const message =
      endedBy === "signal" ? "aborted: DeleteTask sent" : "task timed out: DeleteTask sent";
    this.record(events, started, { phase, message }, task.spec);
    return { mode: "async", phase, message, events, launched: task, endedBy, ...(error ? { error } : {}) };
  }

  private record(events: PhaseEvent[], started: number, resource: TaskResource, spec: TaskSpec): void {
    const last = events[events.length - 1];
    if (last?.phase === resource.phase) return;
    const event: PhaseEvent = {
      phase: resource.phase,
      atMs: Math.round(performance.now() - started),
      ...(resource.message === undefined ? {} : { message: resource.message }),
      ...(resource.logLinks === undefined ? {} : { logLinks: resource.logLinks }),
    };
    events.push(event);
    this.onEvent?.(event, spec);
  }

  private finish(mode: "sync" | "async", events: PhaseEvent[], resource: TaskResource): TaskRun {
    const run: TaskRun = { mode, phase: resource.phase, events, resource };
    if (resource.message !== undefined) run.message = resource.message;
    if (resource.outputs !== undefined) run.outputs = resource.outputs;
    return run;
  }

  private failed(mode: "sync" | "async", events: PhaseEvent[], started: number, message: string, spec: TaskSpec): TaskRun {
    this.record(events, started, { phase: "FAILED", message }, spec);
    return { mode, phase: "FAILED", message, events };
  }

  /** Propeller turns an rpc error into a retryable failure of the attempt ("... with rpc error: ..."). */
  private rpcFailure(
    mode: "sync" | "async",
    events: PhaseEvent[],
    started: number,
    error: ConnectError,
    what: string,
    spec: TaskSpec,
  ): TaskRun {
    const message = `${what} with rpc error: code = ${Code[error.code]} desc = ${error.rawMessage}`;
    this.record(events, started, { phase: "RETRYABLE_FAILED", message }, spec);
    return { mode, phase: "RETRYABLE_FAILED", message, events, error };
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
