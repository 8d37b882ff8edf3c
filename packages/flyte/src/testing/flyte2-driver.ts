import { create, fromBinary, toBinary, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, type CallOptions, type Client, type Transport } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { AgentwireError } from "@agentwire/core";
import { Health } from "@agentwire/core/grpc";
import { ResourceSchema as V1ResourceSchema, TaskExecutionMetadataSchema as V1TaskExecutionMetadataSchema, type Resource as V1Resource } from "../gen/flyteidl/admin/agent_pb.js";
import { TaskExecutionIdentifierSchema } from "../gen/flyteidl/core/identifier_pb.js";
import { TaskLogSchema as V1TaskLogSchema } from "../gen/flyteidl/core/execution_pb.js";
import { LiteralSchema as V1LiteralSchema } from "../gen/flyteidl/core/literals_pb.js";
import { TaskTemplateSchema as V1TaskTemplateSchema } from "../gen/flyteidl/core/tasks_pb.js";
import { TaskExecutionMetadataSchema, type Resource } from "../gen2/flyteidl2/connector/connector_pb.js";
import { AsyncConnectorService, ConnectorMetadataService } from "../gen2/flyteidl2/connector/service_pb.js";
import { TaskExecution_Phase, TaskLogSchema } from "../gen2/flyteidl2/core/execution_pb.js";
import { LiteralSchema } from "../gen2/flyteidl2/core/literals_pb.js";
import { TaskTemplateSchema } from "../gen2/flyteidl2/core/tasks_pb.js";
import { asVariableMap, toLiteralMap } from "../literals/index.js";
import type { AnyTaskDefinition, InputValuesOf, OutputValuesOf } from "../task-definition.js";
import { fromResourceProto, isTerminalPhase, type TaskPhase, type TaskResource } from "../task-resource.js";
import { withCallTimeout, type LaunchedTask, type PhaseEvent, type TaskRun, type TaskTarget } from "./flyte-driver.js";
import { taskOf, taskTemplate } from "./task-template.js";

/** One message as another whose wire form it shares (flyteidl ↔ flyteidl2): through its bytes. */
function convert<From extends DescMessage, To extends DescMessage>(from: From, value: MessageShape<From>, to: To): MessageShape<To> {
  return fromBinary(to, toBinary(from, value));
}

/** What Flyte 2's executor sends in `connection`: the secrets and configs it resolved for the task. */
export interface Flyte2Connection {
  secrets?: Record<string, string>;
  configs?: Record<string, string>;
}

/** How the Flyte 2 driver behaves. */
export interface Flyte2DriverSettings {
  /** Between two GetTask calls. Default 100 (the executor's resync period is longer; tests want it short). */
  pollIntervalMs?: number;
  /** Deadline of each call. Default 10 000. */
  callTimeoutMs?: number;
  /** GetTask errors tolerated before the task fails as a system failure. Default 5. */
  maxSystemFailures?: number;
  /** The project and domain of the executions (Flyte 2 routes by them). Default `flytesnacks`, `development`. */
  project?: string;
  domain?: string;
  onEvent?: (event: PhaseEvent, task: AnyTaskDefinition) => void;
}

/** One run's settings. */
export interface Flyte2RunOptions {
  custom?: MessageShape<typeof V1TaskTemplateSchema>["custom"];
  /** Sent inline, as the executor sends the task's resolved secrets and configs. */
  connection?: Flyte2Connection;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** `launch`'s settings: the template's `custom`, the `connection`, and for raw protocol tests the output prefix and per-call options. */
export interface Flyte2LaunchOptions {
  custom?: MessageShape<typeof V1TaskTemplateSchema>["custom"];
  connection?: Flyte2Connection;
  /** Default: a fresh `s3://agentwire-test/flyte2/...` prefix. */
  outputPrefix?: string;
  /** Per-call options (signal, headers, `timeoutMs`). Default: the driver's `callTimeoutMs`. */
  call?: CallOptions;
}

/** A task CreateTask accepted: what the executor keeps to poll and delete it (the connection is sent on every call). */
export interface Flyte2LaunchedTask<Task extends AnyTaskDefinition = AnyTaskDefinition> extends LaunchedTask<Task> {
  connection: { taskType: string; secrets: Record<string, string>; configs: Record<string, string> };
}

type InputsArgs<Task extends AnyTaskDefinition, Options> = [inputs?: InputValuesOf<Task>, options?: Options];

/** How one Flyte 2 run ended: a `TaskRun` whose `launched` carries the connection it was polled with. */
export type Flyte2TaskRun<Task extends AnyTaskDefinition = AnyTaskDefinition> = Omit<TaskRun<Task>, "launched"> & { launched?: Flyte2LaunchedTask<Task> };

/**
 * A v2 `Resource` as its Flyte 1 twin (the same phase numbers, `task.Outputs` as a LiteralMap, log links),
 * for code that judges both protocols with one set of rules.
 */
export function v1Resource(resource: Resource): V1Resource {
  return create(V1ResourceSchema, {
    phase: resource.phase,
    message: resource.message,
    logLinks: resource.logLinks.map((l) => convert(TaskLogSchema, l, V1TaskLogSchema)),
    ...(resource.customInfo !== undefined ? { customInfo: resource.customInfo } : {}),
    ...(resource.outputs !== undefined
      ? { outputs: { literals: Object.fromEntries(resource.outputs.literals.map((n) => [n.name, convert(LiteralSchema, n.value ?? create(LiteralSchema), V1LiteralSchema)])) } }
      : {}),
  });
}

/**
 * The Flyte-2-executor-like driver: drives connectors over `flyteidl2.connector` as Flyte 2's executor does.
 * Routing comes from ListConnectors by (task type, version) — the executor's key adds the project and
 * domain, then falls back to domain-wide and global entries; one server is global — and a miss is an error
 * (the executor fails without a default connector). Inputs go out as `task.Inputs` (named literals) with the
 * `connection`, GetTask is polled until a terminal phase (RETRYABLE_FAILED included; an UNDEFINED phase is
 * an unknown phase, there is no legacy `state`), abort and timeout send DeleteTask, and `task.Outputs` come
 * back decoded by the task's output types. The steps (`launch`, `getTaskResource`, `getTask`, `deleteTask`)
 * are public for judging a connector's raw answers. Made with `createFlyte2Driver`.
 */
export class Flyte2Driver {
  readonly clients: { tasks: Client<typeof AsyncConnectorService>; metadata: Client<typeof ConnectorMetadataService>; health: Client<typeof Health> };
  private readonly settings: Required<Omit<Flyte2DriverSettings, "onEvent">> & Pick<Flyte2DriverSettings, "onEvent">;
  private registry: Map<string, Set<number>> | undefined;
  private counter = 0;

  constructor(transport: Transport, settings: Flyte2DriverSettings = {}) {
    this.clients = { tasks: createClient(AsyncConnectorService, transport), metadata: createClient(ConnectorMetadataService, transport), health: createClient(Health, transport) };
    this.settings = {
      pollIntervalMs: settings.pollIntervalMs ?? 100,
      callTimeoutMs: settings.callTimeoutMs ?? 10_000,
      maxSystemFailures: settings.maxSystemFailures ?? 5,
      project: settings.project ?? "flytesnacks",
      domain: settings.domain ?? "development",
      ...(settings.onEvent ? { onEvent: settings.onEvent } : {}),
    };
  }

  private call(options?: CallOptions): CallOptions {
    return withCallTimeout(options, this.settings.callTimeoutMs);
  }

  /** ListConnectors, as the executor's registry refresh: task type → versions. */
  async refreshConnectors(): Promise<Map<string, Set<number>>> {
    const registry = new Map<string, Set<number>>();
    const { connectors } = await this.clients.metadata.listConnectors({}, this.call());
    for (const c of connectors) for (const t of c.supportedTaskCategories) registry.set(t.name, (registry.get(t.name) ?? new Set()).add(t.version));
    this.registry = registry;
    return registry;
  }

  /**
   * Sends CreateTask as the executor does (inputs as named literals, the template, the execution metadata
   * with the project and domain, the connection inline) and returns what it keeps. A refusal rejects with
   * the `ConnectError`.
   */
  async launch<Task extends AnyTaskDefinition>(target: TaskTarget<Task>, ...[inputs, options = {}]: InputsArgs<Task, Flyte2LaunchOptions>): Promise<Flyte2LaunchedTask<Task>> {
    const task = taskOf(target);
    this.counter += 1;
    const v1Template = taskTemplate(task, options.custom === undefined ? {} : { custom: options.custom });
    const literals = toLiteralMap(inputs ?? {}, asVariableMap(task.inputs), { direction: "input" });
    const connection = { taskType: task.taskType, secrets: options.connection?.secrets ?? {}, configs: options.connection?.configs ?? {} };
    const outputPrefix = options.outputPrefix ?? `s3://agentwire-test/flyte2/${task.taskType}/n${this.counter}/0`;
    const { project, domain } = this.settings;
    const { resourceMeta } = await this.clients.tasks.createTask(
      {
        inputs: { literals: Object.entries(literals.literals).map(([name, value]) => ({ name, value: convert(V1LiteralSchema, value, LiteralSchema) })) },
        template: convert(V1TaskTemplateSchema, v1Template, TaskTemplateSchema),
        outputPrefix,
        taskExecutionMetadata: convert(
          V1TaskExecutionMetadataSchema,
          create(V1TaskExecutionMetadataSchema, {
            taskExecutionId: create(TaskExecutionIdentifierSchema, {
              taskId: { project, domain, name: task.taskType, version: "v1" },
              nodeExecutionId: { nodeId: "a0", executionId: { project, domain, name: `r${this.counter}` } },
            }),
            namespace: `${project}-${domain}`,
          }),
          TaskExecutionMetadataSchema,
        ),
        connection,
      },
      this.call(options.call),
    );
    return { task, category: { name: task.taskType, version: task.version }, resourceMeta, outputPrefix, connection };
  }

  /** One GetTask, returning the v2 `Resource` exactly as the connector sent it (undefined when it sent none). */
  async getTaskResource(launched: Flyte2LaunchedTask, options?: CallOptions): Promise<Resource | undefined> {
    const { resourceMeta, category: taskCategory, outputPrefix, connection } = launched;
    return (await this.clients.tasks.getTask({ resourceMeta, taskCategory, outputPrefix, connection }, this.call(options))).resource;
  }

  /** One GetTask, decoded with the task's output types; UNDEFINED is refused as the executor refuses an unknown phase. */
  async getTask<Task extends AnyTaskDefinition>(launched: Flyte2LaunchedTask<Task>, options?: CallOptions): Promise<TaskResource<OutputValuesOf<Task>>> {
    const resource = await this.getTaskResource(launched, options);
    if (resource === undefined) throw new ConnectError("GetTask answered without a resource", Code.Internal);
    if (resource.phase === TaskExecution_Phase.UNDEFINED) throw new ConnectError("the connector answered phase UNDEFINED, which Flyte 2's executor treats as an unknown execution phase", Code.Internal);
    return fromResourceProto(v1Resource(resource), asVariableMap(launched.task.outputs)) as TaskResource<OutputValuesOf<Task>>;
  }

  /** DeleteTask (the executor's abort), with the connection. */
  async deleteTask(launched: Flyte2LaunchedTask, options?: CallOptions): Promise<void> {
    const { resourceMeta, category: taskCategory, connection } = launched;
    await this.clients.tasks.deleteTask({ resourceMeta, taskCategory, connection }, this.call(options));
  }

  /** Runs one task to a terminal phase over Flyte 2's protocol, returning its typed outputs. */
  async run<Task extends AnyTaskDefinition>(target: TaskTarget<Task>, ...[inputs, options = {}]: InputsArgs<Task, Flyte2RunOptions>): Promise<Flyte2TaskRun<Task>> {
    const task = taskOf(target);
    const registry = this.registry ?? (await this.refreshConnectors());
    if (!registry.get(task.taskType)?.has(task.version)) {
      const known = [...registry].flatMap(([name, versions]) => [...versions].map((v) => `${name} v${v}`));
      throw new AgentwireError(
        "not_found",
        `no connector lists ${task.taskType} v${task.version} for ${this.settings.project}/${this.settings.domain} (ListConnectors lists ${known.join(", ") || "nothing"}); Flyte 2's executor fails such a task when no default connector is configured`,
      );
    }
    const started = performance.now();
    const events: PhaseEvent[] = [];
    const record = (resource: { phase: TaskPhase; message?: string }) => {
      if (events.at(-1)?.phase === resource.phase) return;
      const event: PhaseEvent = { phase: resource.phase, atMs: Math.round(performance.now() - started), ...(resource.message ? { message: resource.message } : {}) };
      events.push(event);
      this.settings.onEvent?.(event, task);
    };
    let launched: Flyte2LaunchedTask<Task>;
    try {
      launched = await this.launch(task, inputs, { ...(options.custom !== undefined ? { custom: options.custom } : {}), ...(options.connection ? { connection: options.connection } : {}) });
    } catch (err) {
      const error = ConnectError.from(err);
      const message = `failed to create task from connector with rpc error: code = ${Code[error.code]} desc = ${error.rawMessage}`;
      record({ phase: "RETRYABLE_FAILED", message });
      return { mode: "async", phase: "RETRYABLE_FAILED", message, events, error };
    }
    record({ phase: "QUEUED", message: "launched" });
    const deadline = options.timeoutMs === undefined ? undefined : started + options.timeoutMs;
    let failures = 0;
    for (;;) {
      const endedBy = options.signal?.aborted ? "signal" : deadline !== undefined && performance.now() >= deadline ? "timeout" : undefined;
      if (endedBy) {
        let error: ConnectError | undefined;
        try {
          await this.deleteTask(launched);
        } catch (err) {
          error = ConnectError.from(err);
        }
        const phase: TaskPhase = endedBy === "signal" ? "ABORTED" : "FAILED";
        const message = endedBy === "signal" ? "aborted: DeleteTask sent" : "task timed out: DeleteTask sent";
        record({ phase, message });
        return { mode: "async", phase, message, events, endedBy, launched, ...(error ? { error } : {}) };
      }
      let resource: TaskResource<OutputValuesOf<Task>>;
      try {
        resource = await this.getTask(launched);
      } catch (err) {
        failures += 1;
        if (failures > this.settings.maxSystemFailures) {
          const error = ConnectError.from(err);
          const message = `GetTask failed with rpc error: code = ${Code[error.code]} desc = ${error.rawMessage}`;
          record({ phase: "RETRYABLE_FAILED", message });
          return { mode: "async", phase: "RETRYABLE_FAILED", message, events, error, launched };
        }
        await new Promise((r) => setTimeout(r, this.settings.pollIntervalMs));
        continue;
      }
      record(resource);
      if (isTerminalPhase(resource.phase)) {
        const run: Flyte2TaskRun<Task> = { mode: "async", phase: resource.phase, events, resource, launched };
        if (resource.message !== undefined) run.message = resource.message;
        const outputs = resource.phase === "SUCCEEDED" ? (resource as { outputs?: OutputValuesOf<Task> }).outputs : undefined;
        if (outputs !== undefined) run.outputs = outputs;
        return run;
      }
      await new Promise((r) => setTimeout(r, this.settings.pollIntervalMs));
    }
  }
}

/** A Flyte 2 connector server: `{ url }` over gRPC (HTTP/2), or any Connect `{ transport }` (one over HTTP/1.1 for a Connect port). */
export type Flyte2DriverOptions = Flyte2DriverSettings & ({ url: string } | { transport: Transport });

/**
 * The executor-like driver for Flyte 2's `flyteidl2.connector`: runs a task as Flyte 2's executor does and
 * gives back its typed outputs.
 *
 * ```ts
 * import { createFlyte2Driver } from "@agentwire/flyte/testing";
 * import { defineTask, types } from "@agentwire/flyte";
 *
 * const lookup = defineTask({ taskType: "lookup", inputs: { key: types.string() }, outputs: { value: types.string() } });
 * const driver = createFlyte2Driver({ url: "http://127.0.0.1:8000", pollIntervalMs: 20 });
 * const run = await driver.run(lookup, { key: "db" }, { connection: { secrets: { token: "…" } } });
 * run.outputs?.value;
 * ```
 */
export function createFlyte2Driver(options: Flyte2DriverOptions): Flyte2Driver {
  const transport = "transport" in options ? options.transport : createGrpcTransport({ baseUrl: options.url });
  return new Flyte2Driver(transport, options);
}
