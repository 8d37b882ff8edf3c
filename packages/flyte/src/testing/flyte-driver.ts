import { AgentwireError } from "@agentwire/core";
import { create, type JsonObject } from "@bufbuild/protobuf";
import { Code, ConnectError, type CallOptions, type Transport } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import {
  ExecuteTaskSyncRequestSchema,
  TaskExecutionMetadataSchema,
  type ExecuteTaskSyncRequest,
  type ExecuteTaskSyncResponse,
  type Resource,
} from "../gen/flyteidl/admin/agent_pb.js";
import { TaskExecutionIdentifierSchema } from "../gen/flyteidl/core/identifier_pb.js";
import type { LiteralMap } from "../gen/flyteidl/core/literals_pb.js";
import type { VariableMap } from "../gen/flyteidl/core/interface_pb.js";
import { asVariableMap, toLiteralMap, type AllOptional } from "../literals/index.js";
import type { AnyTaskDefinition, InputValuesOf, OutputValuesOf } from "../task-definition.js";
import { fromResourceProto, isTerminalPhase, type LogLink, type TaskPhase, type TaskResource } from "../task-resource.js";
import type { AnyAgent } from "../agent-registry.js";
import { agentClients, type AgentClients } from "./agent-clients.js";
import { createInProcessTransport, type InProcessTransportOptions } from "./in-process.js";
import { taskOf, taskTemplate } from "./task-template.js";

/** A phase change, as Propeller records it: only when the phase differs from the last one. */
export interface PhaseEvent {
  phase: TaskPhase;
  message?: string;
  logLinks?: LogLink[];
  /** Milliseconds since the run started. */
  atMs: number;
}

/**
 * How the driver behaves, whatever it drives: Propeller's settings, shortened for tests where Propeller's
 * would make them slow.
 */
export interface FlyteDriverSettings {
  /** Between two GetTask calls. Propeller's `resyncInterval` is 30 000; tests want it short. Default: 100. */
  pollIntervalMs?: number;
  /**
   * Deadline of each call, like Propeller's `defaultTimeout`: 10 000 with `connector-service`, 3 000 with
   * the deprecated `agent-service` (Flyte ≥ 1.15.1). Default: 10 000.
   */
  callTimeoutMs?: number;
  /** GetTask errors tolerated before the task fails as a system failure. Default: 5, as Propeller's `maxSystemFailures`. */
  maxSystemFailures?: number;
  /** Called on every phase change, with the task it belongs to (for printing progress). Default: none. */
  onEvent?: (event: PhaseEvent, task: AnyTaskDefinition) => void;
}

/** One run's settings. */
export interface RunOptions {
  /** Aborting it sends DeleteTask (async tasks) and ends the run as ABORTED. Default: none. */
  signal?: AbortSignal;
  /** The task's own timeout: when it passes, DeleteTask is sent and the run FAILS. Default: none. */
  timeoutMs?: number;
  /** The template's `custom` struct (agent configuration, e.g. `{ url, method }`). Default: unset. */
  custom?: JsonObject;
}

/** Where a launched async task is: what Propeller persists in the workflow's CRD. */
export interface LaunchedTask<Task extends AnyTaskDefinition = AnyTaskDefinition> {
  task: Task;
  category: { name: string; version: number };
  resourceMeta: Uint8Array;
  outputPrefix: string;
}

/** How one run of a task ended, with its outputs as the task's output types decode them. */
export interface TaskRun<Task extends AnyTaskDefinition = AnyTaskDefinition> {
  /** How the task was run, decided by ListAgents like Propeller. */
  mode: "sync" | "async";
  phase: TaskPhase;
  /** Outputs decoded with the task's output types; only when SUCCEEDED. */
  outputs?: OutputValuesOf<Task>;
  message?: string;
  /** The last resource the agent reported. */
  resource?: TaskResource<OutputValuesOf<Task>>;
  /** Every phase change in order. */
  events: PhaseEvent[];
  /** The error that ended the run when a call failed (Propeller's "rpc error"). */
  error?: ConnectError;
  /** Async runs: what CreateTask returned. */
  launched?: LaunchedTask<Task>;
  /** Set when the run was ended by the driver: "signal" (aborted) or "timeout". */
  endedBy?: "signal" | "timeout";
}

/** `launch`'s settings. */
export interface LaunchOptions {
  /** The template's `custom` struct. Default: unset. */
  custom?: JsonObject;
  /** The output prefix Propeller would pass. Default: a fresh `s3://agentwire-test/metadata/...` prefix. */
  outputPrefix?: string;
  /** Per-call options (signal, headers, `timeoutMs`). Default: the driver's `callTimeoutMs`. */
  call?: CallOptions;
}

/** `executeTaskSync`'s settings. */
export interface ExecuteTaskSyncOptions {
  /** The template's `custom` struct. Default: unset. */
  custom?: JsonObject;
  /** The output prefix Propeller would pass. Default: a fresh `s3://agentwire-test/metadata/...` prefix. */
  outputPrefix?: string;
  /** Per-call options (signal, headers, `timeoutMs`). Default: the driver's `callTimeoutMs`. */
  call?: CallOptions;
}

/** Every reply of one `ExecuteTaskSync` call, unfolded: what `run` reads only the first of. */
export interface ExecuteTaskSyncReplies {
  /** The header and inputs as sent. */
  request: { header: ExecuteTaskSyncRequest; inputs: ExecuteTaskSyncRequest };
  /** Every reply, in order (Propeller reads exactly one, which must be a header with a terminal phase). */
  replies: ExecuteTaskSyncResponse[];
}

/** A task definition, or an agent serving one: what the driver runs. */
export type TaskTarget<Task extends AnyTaskDefinition> = Task | { readonly task: Task };

/** `run`'s and `launch`'s inputs: optional when the task declares no required input. */
type InputsArgs<Task extends AnyTaskDefinition, Options> = AllOptional<InputValuesOf<Task>> extends true
  ? [inputs?: InputValuesOf<Task>, options?: Options]
  : [inputs: InputValuesOf<Task>, options?: Options];

/** What ListAgents said about one task type version: sync or async, and the agent's name. */
export interface RegistryEntry {
  isSync: boolean;
  /** The `Agent.name` that listed it. */
  agent: string;
}

/** `runSync`'s settings: a run's, plus the call's own options and the output prefix. */
export interface SyncRunOptions extends RunOptions {
  /** Per-call options (headers, `timeoutMs`). Default: the driver's `callTimeoutMs`. */
  call?: CallOptions;
  /** The output prefix Propeller would pass. Default: a fresh `s3://agentwire-test/metadata/...` prefix. */
  outputPrefix?: string;
}

/**
 * The Propeller-like driver: drives agents the way FlytePropeller 1.16 does: route by `ListAgents` (tolerating UNIMPLEMENTED),
 * then either `ExecuteTaskSync` (header, inputs, one reply that must be a header with a terminal phase) or
 * `CreateTask`, `GetTask` until terminal, and `DeleteTask` on abort or timeout. Inputs and outputs are
 * typed by the task definition it runs. Make one with `createFlyteDriver`; it is also the kernel of the
 * reference host.
 */
export class FlyteDriver {
  readonly clients: AgentClients;
  private readonly pollIntervalMs: number;
  private readonly callTimeoutMs: number;
  private readonly maxSystemFailures: number;
  private readonly onEvent: FlyteDriverSettings["onEvent"];
  private registry: Map<string, Map<number, RegistryEntry>> | undefined;
  private counter = 0;

  constructor(transport: Transport, options: FlyteDriverSettings = {}) {
    this.clients = agentClients(transport);
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
    this.callTimeoutMs = options.callTimeoutMs ?? 10_000;
    this.maxSystemFailures = options.maxSystemFailures ?? 5;
    this.onEvent = options.onEvent;
  }

  /**
   * Refreshes the routing table from ListAgents, as Propeller's metadata watcher does every 10 s. Each
   * category *replaces* the versions seen for its name, so only the last version listed survives: the
   * same collapse Propeller 1.x performs. `call`: per-call options (Propeller's `ListAgents` timeout).
   */
  async refreshAgents(call?: CallOptions): Promise<Map<string, Map<number, RegistryEntry>>> {
    const registry = new Map<string, Map<number, RegistryEntry>>();
    try {
      const { agents } = await this.clients.metadata.listAgents({}, this.callOptions(call));
      for (const agent of agents) {
        const entry = { isSync: agent.isSync, agent: agent.name };
        for (const name of agent.supportedTaskTypes) registry.set(name, new Map([[0, entry]]));
        for (const c of agent.supportedTaskCategories) registry.set(c.name, new Map([[c.version, entry]]));
      }
    } catch (err) {
      // Propeller tolerates an agent server without the metadata service and routes everything async.
      if (!(err instanceof ConnectError && err.code === Code.Unimplemented)) throw err;
    }
    this.registry = registry;
    return registry;
  }

  /**
   * Runs one task (given by its definition or by the agent serving it) to a terminal phase and returns
   * its typed outputs.
   *
   * ```ts
   * const run = await driver.run(reportTask, { query: "select 1" });
   * run.outputs?.rows; // number | bigint
   * ```
   */
  async run<Task extends AnyTaskDefinition>(target: TaskTarget<Task>, ...[inputs, options = {}]: InputsArgs<Task, RunOptions>): Promise<TaskRun<Task>> {
    const task = taskOf(target);
    const registry = this.registry ?? (await this.refreshAgents());
    // A miss falls back to the default connector, called async: Propeller's getFinalConnector.
    const entry = registry.get(task.taskType)?.get(task.version);
    return entry?.isSync ? this.syncRun(task, inputs ?? {}, options) : this.runAsync(task, inputs ?? {}, options);
  }

  /**
   * Runs one task through `ExecuteTaskSync` whatever ListAgents says, as Propeller does for a task type
   * its registry marks sync: header then inputs, exactly one reply, which must be a header with a terminal
   * phase. A failed call ends the run RETRYABLE_FAILED ("failed to execute task with rpc error: ...").
   */
  async runSync<Task extends AnyTaskDefinition>(target: TaskTarget<Task>, ...[inputs, options = {}]: InputsArgs<Task, SyncRunOptions>): Promise<TaskRun<Task>> {
    return this.syncRun(taskOf(target), inputs ?? {}, options);
  }

  private literalInputs(task: AnyTaskDefinition, inputs: Record<string, unknown>): LiteralMap {
    return toLiteralMap(inputs, asVariableMap(task.inputs), { direction: "input" });
  }

  private outputVariables(task: AnyTaskDefinition): VariableMap | undefined {
    return asVariableMap(task.outputs);
  }

  private nextOutputPrefix(task: AnyTaskDefinition): string {
    this.counter += 1;
    return `s3://agentwire-test/metadata/${task.taskType}/n${this.counter}/0`;
  }

  private executionMetadata(task: AnyTaskDefinition) {
    return create(TaskExecutionMetadataSchema, {
      taskExecutionId: create(TaskExecutionIdentifierSchema, {
        taskId: { project: "flytesnacks", domain: "development", name: `agentwire.test.${task.taskType}`, version: "v1" },
        nodeExecutionId: { nodeId: "n0", executionId: { project: "flytesnacks", domain: "development", name: `a${this.counter}` } },
        retryAttempt: 0,
      }),
      namespace: "flytesnacks-development",
      k8sServiceAccount: "default",
    });
  }

  private async syncRun<Task extends AnyTaskDefinition>(task: Task, inputs: Record<string, unknown>, options: SyncRunOptions): Promise<TaskRun<Task>> {
    const spec = task;
    const started = performance.now();
    const events: PhaseEvent[] = [];
    const template = taskTemplate(task, options.custom === undefined ? {} : { custom: options.custom });
    const outputPrefix = options.outputPrefix ?? this.nextOutputPrefix(task);
    const literals = this.literalInputs(task, inputs);
    const taskExecutionMetadata = this.executionMetadata(task);
    async function* requests(): AsyncIterable<ExecuteTaskSyncRequest> {
      yield create(ExecuteTaskSyncRequestSchema, { part: { case: "header", value: { template, outputPrefix, taskExecutionMetadata } } });
      yield create(ExecuteTaskSyncRequestSchema, { part: { case: "inputs", value: literals } });
    }
    let resource: Resource | undefined;
    try {
      for await (const response of this.clients.sync.executeTaskSync(requests(), this.callOptions(options.call))) {
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
    const answer = fromResourceProto(resource, this.outputVariables(spec));
    this.record(events, started, answer, spec);
    if (!isTerminalPhase(answer.phase)) {
      return this.failed("sync", events, started, `a sync agent answered non-terminal phase ${answer.phase}`, spec);
    }
    return this.finish("sync", events, answer);
  }

  /**
   * Sends CreateTask the way Propeller does and returns what it would persist. `options`: the template's
   * `custom`, and (for raw protocol tests) the `outputPrefix` and per-call options.
   */
  async launch<Task extends AnyTaskDefinition>(target: TaskTarget<Task>, ...[inputs, options = {}]: InputsArgs<Task, LaunchOptions>): Promise<LaunchedTask<Task>> {
    return this.launchTask(taskOf(target), inputs ?? {}, options);
  }

  private async launchTask<Task extends AnyTaskDefinition>(task: Task, inputs: Record<string, unknown>, options: LaunchOptions): Promise<LaunchedTask<Task>> {
    const outputPrefix = options.outputPrefix ?? this.nextOutputPrefix(task);
    const { resourceMeta } = await this.clients.async.createTask(
      {
        inputs: this.literalInputs(task, inputs),
        template: taskTemplate(task, options.custom === undefined ? {} : { custom: options.custom }),
        outputPrefix,
        taskExecutionMetadata: this.executionMetadata(task),
      },
      this.callOptions(options.call),
    );
    return { task, category: { name: task.taskType, version: task.version }, resourceMeta, outputPrefix };
  }

  /**
   * Sends header then inputs on `ExecuteTaskSync`, as Propeller does, and returns *every* reply the agent sent
   * until it closed the stream, undecoded: for judging a sync agent (one reply, a header, a terminal phase)
   * where `run` would stop at the first. A protocol error rejects with the `ConnectError`.
   */
  async executeTaskSync<Task extends AnyTaskDefinition>(target: TaskTarget<Task>, ...[inputs, options = {}]: InputsArgs<Task, ExecuteTaskSyncOptions>): Promise<ExecuteTaskSyncReplies> {
    const task = taskOf(target);
    const template = taskTemplate(task, options.custom === undefined ? {} : { custom: options.custom });
    const outputPrefix = options.outputPrefix ?? this.nextOutputPrefix(task);
    const header = create(ExecuteTaskSyncRequestSchema, { part: { case: "header", value: { template, outputPrefix, taskExecutionMetadata: this.executionMetadata(task) } } });
    const literals = create(ExecuteTaskSyncRequestSchema, { part: { case: "inputs", value: this.literalInputs(task, inputs ?? {}) } });
    async function* requests(): AsyncIterable<ExecuteTaskSyncRequest> {
      yield header;
      yield literals;
    }
    const replies: ExecuteTaskSyncResponse[] = [];
    for await (const reply of this.clients.sync.executeTaskSync(requests(), this.callOptions(options.call))) replies.push(reply);
    return { request: { header, inputs: literals }, replies };
  }

  /**
   * One GetTask for a launched task, returning the `Resource` exactly as the agent sent it (undefined when
   * the answer carried none): phase numbers, including 0 and unknown ones, and outputs as literals, for
   * judging what `getTask` would decode or refuse. A protocol error rejects with the `ConnectError`.
   */
  async getTaskResource(task: LaunchedTask, options?: CallOptions): Promise<Resource | undefined> {
    const { resource } = await this.clients.async.getTask(
      { taskType: task.category.name, taskCategory: task.category, resourceMeta: task.resourceMeta, outputPrefix: task.outputPrefix },
      this.callOptions(options),
    );
    return resource;
  }

  /** `options`, with the driver's `callTimeoutMs` unless they carry a `timeoutMs` or a `grpc-timeout` header of their own. */
  private callOptions(options: CallOptions = {}): CallOptions {
    return withCallTimeout(options, this.callTimeoutMs);
  }

  /** One GetTask for a launched task, decoded with the task's output types. `options`: per-call options (signal, headers). */
  async getTask<Task extends AnyTaskDefinition>(task: LaunchedTask<Task>, options?: CallOptions): Promise<TaskResource<OutputValuesOf<Task>>> {
    const resource = await this.getTaskResource(task, options);
    if (resource === undefined) {
      throw new ConnectError("GetTask answered without a resource", Code.Internal);
    }
    return fromResourceProto(resource, this.outputVariables(task.task)) as TaskResource<OutputValuesOf<Task>>;
  }

  /** DeleteTask for a launched task (Propeller's abort). `options`: per-call options (signal, headers). */
  async deleteTask(task: LaunchedTask, options?: CallOptions): Promise<void> {
    await this.clients.async.deleteTask(
      { taskType: task.category.name, taskCategory: task.category, resourceMeta: task.resourceMeta },
      this.callOptions(options),
    );
  }

  /**
   * Polls a launched task until it is terminal, as Propeller's cache does: GetTask errors count up and are
   * never reset; above `maxSystemFailures` the task fails. Abort and timeout send DeleteTask.
   */
  async poll<Task extends AnyTaskDefinition>(
    task: LaunchedTask<Task>,
    options: RunOptions = {},
    events: PhaseEvent[] = [],
    started = performance.now(),
  ): Promise<TaskRun<Task>> {
    let failures = 0;
    let lastError: ConnectError | undefined;
    const deadline = options.timeoutMs === undefined ? undefined : started + options.timeoutMs;
    for (;;) {
      if (options.signal?.aborted) return this.abort(task, events, started, "signal");
      if (deadline !== undefined && performance.now() >= deadline) return this.abort(task, events, started, "timeout");
      try {
        const resource = await this.getTask(task);
        this.record(events, started, resource, task.task);
        if (isTerminalPhase(resource.phase)) return { ...this.finish<Task>("async", events, resource), launched: task };
      } catch (err) {
        lastError = ConnectError.from(err);
        failures += 1;
        if (failures > this.maxSystemFailures) {
          return { ...this.rpcFailure<Task>("async", events, started, lastError, "GetTask failed", task.task), launched: task };
        }
      }
      await sleep(this.pollIntervalMs, options.signal);
    }
  }

  private async runAsync<Task extends AnyTaskDefinition>(spec: Task, inputs: Record<string, unknown>, options: RunOptions): Promise<TaskRun<Task>> {
    const started = performance.now();
    const events: PhaseEvent[] = [];
    let task: LaunchedTask<Task>;
    try {
      task = await this.launchTask(spec, inputs, options);
    } catch (err) {
      return this.rpcFailure("async", events, started, ConnectError.from(err), "failed to create task from connector", spec);
    }
    this.record(events, started, { phase: "QUEUED", message: "launched" }, spec);
    return this.poll(task, options, events, started);
  }

  private async abort<Task extends AnyTaskDefinition>(
    task: LaunchedTask<Task>,
    events: PhaseEvent[],
    started: number,
    endedBy: "signal" | "timeout",
  ): Promise<TaskRun<Task>> {
    let error: ConnectError | undefined;
    try {
      await this.deleteTask(task);
    } catch (err) {
      error = ConnectError.from(err);
    }
    const phase: TaskPhase = endedBy === "signal" ? "ABORTED" : "FAILED";
    const message =
      endedBy === "signal" ? "aborted: DeleteTask sent" : "task timed out: DeleteTask sent";
    this.record(events, started, { phase, message }, task.task);
    return { mode: "async", phase, message, events, launched: task, endedBy, ...(error ? { error } : {}) };
  }

  private record(events: PhaseEvent[], started: number, resource: TaskResource<unknown>, task: AnyTaskDefinition): void {
    const last = events[events.length - 1];
    if (last?.phase === resource.phase) return;
    const event: PhaseEvent = {
      phase: resource.phase,
      atMs: Math.round(performance.now() - started),
      ...(resource.message === undefined ? {} : { message: resource.message }),
      ...(resource.logLinks === undefined ? {} : { logLinks: resource.logLinks }),
    };
    events.push(event);
    this.onEvent?.(event, task);
  }

  private finish<Task extends AnyTaskDefinition>(mode: "sync" | "async", events: PhaseEvent[], resource: TaskResource<unknown>): TaskRun<Task> {
    const typed = resource as TaskResource<OutputValuesOf<Task>>;
    const run: TaskRun<Task> = { mode, phase: typed.phase, events, resource: typed };
    if (typed.message !== undefined) run.message = typed.message;
    if (typed.phase === "SUCCEEDED" && typed.outputs !== undefined) run.outputs = typed.outputs as OutputValuesOf<Task>;
    return run;
  }

  private failed<Task extends AnyTaskDefinition>(mode: "sync" | "async", events: PhaseEvent[], started: number, message: string, spec: Task): TaskRun<Task> {
    this.record(events, started, { phase: "FAILED", message }, spec);
    return { mode, phase: "FAILED", message, events };
  }

  /** Propeller turns an rpc error into a retryable failure of the attempt ("... with rpc error: ..."). */
  private rpcFailure<Task extends AnyTaskDefinition>(
    mode: "sync" | "async",
    events: PhaseEvent[],
    started: number,
    error: ConnectError,
    what: string,
    spec: Task,
  ): TaskRun<Task> {
    const message = `${what} with rpc error: code = ${Code[error.code]} desc = ${error.rawMessage}`;
    this.record(events, started, { phase: "RETRYABLE_FAILED", message }, spec);
    return { mode, phase: "RETRYABLE_FAILED", message, events, error };
  }
}

/** `options`, with `timeoutMs` unless they carry a `timeoutMs` or a `grpc-timeout` header of their own (a server-enforced deadline). */
export function withCallTimeout(options: CallOptions = {}, timeoutMs: number): CallOptions {
  if (options.timeoutMs !== undefined || hasHeader(options.headers, "grpc-timeout")) return options;
  return { ...options, timeoutMs };
}

/** Whether call headers (a `Headers`, a record or pairs) carry `name` (lower case). */
function hasHeader(init: CallOptions["headers"], name: string): boolean {
  const headers: unknown = init;
  if (typeof headers !== "object" || headers === null) return false;
  if (typeof (headers as { has?: unknown }).has === "function") return (headers as { has(n: string): boolean }).has(name);
  const names = Array.isArray(headers) ? (headers as Array<[string, string]>).map(([k]) => k) : Object.keys(headers);
  return names.some((k) => k.toLowerCase() === name);
}

/** Agents in this process, called without a port: the way to unit-test an agent. */
export interface InProcessDriverOptions extends FlyteDriverSettings, InProcessTransportOptions {
  agents: readonly AnyAgent[];
}

/** A running agent server (yours, flytekit's, or one in a cluster), over gRPC (HTTP/2). */
export interface NetworkDriverOptions extends FlyteDriverSettings {
  /** The server's address, e.g. `http://127.0.0.1:8000` (`server.url`). */
  url: string;
}

/** Any Connect transport: a hand-written fake server (`createRouterTransport`), or a transport with TLS options. */
export interface TransportDriverOptions extends FlyteDriverSettings {
  transport: Transport;
}

/** What `createFlyteDriver` takes: where the agents are, plus the driver's settings. */
export type FlyteDriverOptions = InProcessDriverOptions | NetworkDriverOptions | TransportDriverOptions;

/**
 * The Propeller-like driver, for agents in this process (`{ agents }`), a server at a URL (`{ url }`), or
 * any transport (`{ transport }`). It runs tasks as Propeller 1.16 does and gives back typed outputs.
 *
 * ```ts
 * import { createFlyteDriver } from "@agentwire/flyte/testing";
 * import { defineTask, types, type AnyAgent } from "@agentwire/flyte";
 *
 * declare const agents: AnyAgent[];
 * const doubler = defineTask({ taskType: "doubler", inputs: { n: types.integer() }, outputs: { doubled: types.integer() } });
 *
 * const driver = createFlyteDriver({ agents, pollIntervalMs: 5 });
 * const run = await driver.run(doubler, { n: 21 });
 * run.phase;             // "SUCCEEDED"
 * run.outputs?.doubled;  // number | bigint
 * ```
 */
export function createFlyteDriver(options: FlyteDriverOptions): FlyteDriver {
  // The types say one target; a JavaScript caller (or a spread that dropped one) may still give none or two.
  const targets: { agents?: unknown; url?: unknown; transport?: unknown } = options;
  const given = (["agents", "url", "transport"] as const).filter((key) => targets[key] !== undefined);
  if (given.length !== 1) {
    throw new AgentwireError(
      "invalid_argument",
      `createFlyteDriver needs exactly one of \`agents\` (in-process), \`url\` (a server over gRPC) or \`transport\`; got ${given.length === 0 ? "none" : given.join(" and ")}`,
    );
  }
  let transport: Transport;
  if ("agents" in options) {
    transport = createInProcessTransport({ agents: options.agents }, options.logger === undefined ? {} : { logger: options.logger });
  } else if ("url" in options) {
    transport = createGrpcTransport({ baseUrl: options.url });
  } else {
    transport = options.transport;
  }
  return new FlyteDriver(transport, options);
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
