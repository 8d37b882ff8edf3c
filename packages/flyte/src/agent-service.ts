import { create, equals, toBinary, type JsonObject } from "@bufbuild/protobuf";
import { timestampDate, timestampFromDate, durationMs } from "@bufbuild/protobuf/wkt";
import type { ConnectRouter, HandlerContext } from "@connectrpc/connect";
import { AgentwireError, lazyChildLogger, messageOf, type Logger } from "@agentwire/core";
import type { TaskContext } from "./agent-context.js";
import { AgentMetrics, type AgentOperation } from "./agent-metrics.js";
import { AgentRegistry, type RegisteredAgent } from "./agent-registry.js";
import { AsyncAgent } from "./async-agent.js";
import {
  LogLineOriginator,
  type CreateRequestHeader,
  type ExecuteTaskSyncRequest,
  type ExecuteTaskSyncResponse,
  type GetTaskLogsResponse,
  type TaskCategory as TaskCategoryProto,
} from "./gen/flyteidl/admin/agent_pb.js";
import { LiteralMapSchema, type LiteralMap } from "./gen/flyteidl/core/literals_pb.js";
import type { TaskTemplate } from "./gen/flyteidl/core/tasks_pb.js";
import { LiteralTypeSchema } from "./gen/flyteidl/core/types_pb.js";
import { AgentMetadataService, AsyncAgentService, SyncAgentService } from "./gen/flyteidl/service/agent_pb.js";
import { fromLiteralMap, LiteralTypeError, OffloadedLiteralError, toLiteral } from "./literals/index.js";
import { decodeResourceMeta, encodeResourceMeta } from "./resource-meta.js";
import { SyncAgent } from "./sync-agent.js";
import { TaskFailure } from "./task-failure.js";
import { isTerminalPhase, toResourceProto, type TaskResource } from "./task-resource.js";
import { httpStatusOf, toConnectError } from "./wire-error.js";

export interface AgentServiceOptions {
  logger: Logger;
  /** Where per-call metrics go; undefined records none. */
  metrics?: AgentMetrics;
}

function invalid(message: string): AgentwireError {
  return new AgentwireError("invalid_argument", message);
}

function isTaskResource(value: unknown): value is TaskResource {
  return typeof value === "object" && value !== null && typeof (value as { phase?: unknown }).phase === "string";
}

/**
 * The category a GetTask/DeleteTask/logs/metrics call names: `task_category` when set, else the deprecated
 * `task_type` at version 0, as flytekit routes.
 */
function categoryOf(req: { taskCategory?: TaskCategoryProto; taskType: string }, rpc: string) {
  if (req.taskCategory !== undefined && req.taskCategory.name !== "") {
    return { name: req.taskCategory.name, version: req.taskCategory.version };
  }
  if (req.taskType !== "") return { name: req.taskType, version: 0 };
  throw invalid(`${rpc}: task_category.name is empty (and so is the deprecated task_type); set the task type the task was created with`);
}

/**
 * Registers AsyncAgentService, SyncAgentService and AgentMetadataService for `registry` on a Connect
 * router. The same routes serve a real HTTP/2 server (`serve`) and the in-process test transport, so
 * tests go through the same code as production.
 */
export function registerAgentServices(router: ConnectRouter, registry: AgentRegistry, options: AgentServiceOptions): void {
  const { logger, metrics } = options;

  async function instrument<T>(
    operation: AgentOperation,
    taskType: string,
    fn: (log: Logger) => Promise<T>,
  ): Promise<T> {
    const started = performance.now();
    const log = lazyChildLogger(logger, { taskType, operation });
    try {
      const result = await fn(log);
      metrics?.succeeded(taskType, operation, (performance.now() - started) / 1000);
      return result;
    } catch (reason) {
      const error = toConnectError(reason);
      metrics?.failed(taskType, operation, httpStatusOf(error), (performance.now() - started) / 1000);
      if (reason instanceof AgentwireError || reason !== error.cause) {
        log.warn({ code: error.code, reason: error.rawMessage }, `${operation} refused`);
      } else {
        log.error({ err: reason }, `${operation} failed: ${messageOf(reason)}`);
      }
      throw error;
    }
  }

  function baseContext(r: RegisteredAgent, ctx: HandlerContext, log: Logger) {
    return {
      signal: ctx.signal,
      timeoutMs: () => ctx.timeoutMs(),
      logger: log,
      taskCategory: r.category,
    };
  }

  function decodeInputs(r: RegisteredAgent, template: TaskTemplate, inputs: LiteralMap | undefined): Record<string, unknown> {
    const declared = r.agent.inputTypes;
    const literalMap = inputs ?? create(LiteralMapSchema);
    let values: Record<string, unknown>;
    try {
      values = fromLiteralMap(literalMap, template.interface?.inputs ?? r.inputVariables, {
        direction: "input",
        offloaded: r.agent.acceptOffloadedInputs ? "marker" : "refuse",
      });
    } catch (err) {
      if (err instanceof LiteralTypeError) throw invalid(`task type ${r.category.name}: ${err.message}`);
      if (err instanceof OffloadedLiteralError) {
        throw new AgentwireError(
          "unimplemented",
          `task type ${r.category.name}: input "${err.variable}" is offloaded to blob storage (${err.uri}, ${err.sizeBytes} bytes); ` +
            `set \`acceptOffloadedInputs = true\` on ${r.agent.constructor.name} to receive it as a marker and fetch it`,
          { cause: err },
        );
      }
      throw err;
    }
    for (const [name, type] of Object.entries(declared ?? {})) {
      if (!(name in values)) {
        throw invalid(
          `task type ${r.category.name}: missing input "${name}"; the task's interface must declare it and the inputs must carry a value`,
        );
      }
      // Decoding already checked the value against the template's type; check again only where the
      // template declares something else (or nothing) for this input.
      const templateType = template.interface?.inputs?.variables[name]?.type;
      if (templateType !== undefined && equals(LiteralTypeSchema, templateType, type)) continue;
      try {
        toLiteral(values[name], type, name);
      } catch (err) {
        if (err instanceof LiteralTypeError) throw invalid(`task type ${r.category.name}: ${err.message.replace(/^output /, "input ")}`);
        throw err;
      }
    }
    return values;
  }

  function taskContext(
    r: RegisteredAgent,
    ctx: HandlerContext,
    log: Logger,
    template: TaskTemplate,
    inputs: LiteralMap | undefined,
    outputPrefix: string,
    metadata: CreateRequestHeader["taskExecutionMetadata"],
  ): TaskContext {
    const rawInputs = inputs ?? create(LiteralMapSchema);
    // Serializing just to measure costs a few percent of a CreateTask: only when metrics are recorded.
    if (metrics) metrics.inputSize(r.category.name, toBinary(LiteralMapSchema, rawInputs).byteLength);
    return {
      ...baseContext(r, ctx, log),
      inputs: decodeInputs(r, template, inputs),
      rawInputs,
      template,
      custom: (template.custom ?? {}),
      outputPrefix,
      taskExecutionMetadata: metadata,
    };
  }

  function requireAsync(r: RegisteredAgent): AsyncAgent {
    if (r.agent instanceof AsyncAgent) return r.agent as AsyncAgent;
    throw invalid(
      `task type ${r.category.name} is served by a sync agent (${r.name}); call ExecuteTaskSync, not the async API`,
    );
  }

  function templateCategory(template: TaskTemplate | undefined, rpc: string) {
    if (template === undefined) throw invalid(`${rpc}: template is required; send the task's TaskTemplate`);
    if (template.type === "") throw invalid(`${rpc}: template.type is empty; it names the task type to route to`);
    return { template, name: template.type, version: template.taskTypeVersion };
  }

  /**
   * What GetTask, DeleteTask, GetTaskMetrics and GetTaskLogs all start with: the category the request
   * names, its async agent, and the decoded, validated resource metadata.
   */
  async function resolveLaunchedTask(req: { taskCategory?: TaskCategoryProto; taskType: string; resourceMeta: Uint8Array }, rpc: string) {
    const category = categoryOf(req, rpc);
    const r = registry.find(category.name, category.version);
    const agent = requireAsync(r);
    const meta = await decodeResourceMeta(agent.metaCodec, agent.metaSchema, req.resourceMeta, r.agent.constructor.name);
    return { r, agent, meta, category };
  }

  router.service(AsyncAgentService, {
    createTask: async (req, ctx) => {
      return instrument("create", req.template?.type ?? "", async (log) => {
        const { template, name, version } = templateCategory(req.template, "CreateTask");
        const r = registry.find(name, version);
        const agent = requireAsync(r);
        const context = taskContext(r, ctx, log, template, req.inputs, req.outputPrefix, req.taskExecutionMetadata);
        log.debug(`${r.name} start creating the job`);
        let meta: Record<string, unknown>;
        try {
          meta = await agent.create(context);
        } catch (err) {
          // CreateTask has no resource to carry a failure: Propeller turns every error into a retryable
          // failure of the attempt. FAILED_PRECONDITION at least keeps the author's message distinct.
          if (err instanceof TaskFailure) throw new AgentwireError("failed_precondition", err.message, { cause: err });
          throw err;
        }
        return { resourceMeta: encodeResourceMeta(agent.metaCodec, meta, r.agent.constructor.name) };
      });
    },

    getTask: async (req, ctx) => {
      return instrument("get", req.taskCategory?.name || req.taskType, async (log) => {
        const { r, agent, meta } = await resolveLaunchedTask(req, "GetTask");
        log.debug(`${r.name} checking the status of the job`);
        let resource: TaskResource;
        try {
          resource = await agent.get(meta, { ...baseContext(r, ctx, log), outputPrefix: req.outputPrefix });
        } catch (err) {
          if (!(err instanceof TaskFailure)) throw err;
          resource = failureResource(err);
        }
        return { resource: toResourceProto(resource, r.outputVariables, `${r.agent.constructor.name}.get`) };
      });
    },

    deleteTask: async (req, ctx) => {
      return instrument("delete", req.taskCategory?.name || req.taskType, async (log) => {
        const { r, agent, meta } = await resolveLaunchedTask(req, "DeleteTask");
        log.debug(`${r.name} deleting the job`);
        await agent.delete(meta, baseContext(r, ctx, log));
        return {};
      });
    },

    getTaskMetrics: async (req, ctx) => {
      return instrument("metrics", req.taskCategory?.name || req.taskType, async (log) => {
        const { r, agent, meta, category } = await resolveLaunchedTask(req, "GetTaskMetrics");
        if (!agent.getMetrics) {
          throw new AgentwireError("unimplemented", `${r.name} (task type ${category.name}) does not report metrics`);
        }
        const results = await agent.getMetrics(
          meta,
          {
            queries: req.queries,
            ...(req.startTime ? { start: timestampDate(req.startTime) } : {}),
            ...(req.endTime ? { end: timestampDate(req.endTime) } : {}),
            ...(req.step ? { stepMs: durationMs(req.step) } : {}),
          },
          baseContext(r, ctx, log),
        );
        return { results: results.map((m) => ({ metric: m.metric, data: m.data as JsonObject })) };
      });
    },

    getTaskLogs: (req, ctx) => streamLogs(req, ctx),
  });

  async function* streamLogs(
    req: Parameters<NonNullable<Parameters<typeof router.service<typeof AsyncAgentService>>[1]["getTaskLogs"]>>[0],
    ctx: HandlerContext,
  ): AsyncIterable<Omit<GetTaskLogsResponse, "$typeName"> | { part: GetTaskLogsResponse["part"] }> {
    let resolved: Awaited<ReturnType<typeof resolveLaunchedTask>>;
    const taskType = req.taskCategory?.name || req.taskType;
    const log = lazyChildLogger(logger, { taskType, operation: "logs" });
    try {
      resolved = await resolveLaunchedTask(req, "GetTaskLogs");
      if (!resolved.agent.getLogs) {
        throw new AgentwireError("unimplemented", `${resolved.r.name} (task type ${resolved.category.name}) does not stream logs`);
      }
    } catch (err) {
      const error = toConnectError(err);
      metrics?.failed(taskType, "logs", httpStatusOf(error), 0);
      log.warn({ reason: messageOf(err) }, "logs refused");
      throw error;
    }
    const { r, agent, meta } = resolved;
    const started = performance.now();
    try {
      const lines = agent.getLogs!(meta, { ...baseContext(r, ctx, log), lines: Number(req.lines), token: req.token });
      for await (const line of lines) {
        const entry = typeof line === "string" ? { message: line } : line;
        yield {
          part: {
            case: "body",
            value: {
              $typeName: "flyteidl.admin.GetTaskLogsResponseBody",
              results: [],
              structuredLines: [
                {
                  $typeName: "flyteidl.admin.LogLine",
                  message: entry.message,
                  originator:
                    entry.originator === "user"
                      ? LogLineOriginator.USER
                      : entry.originator === "system"
                        ? LogLineOriginator.SYSTEM
                        : LogLineOriginator.UNKNOWN,
                  ...(entry.timestamp ? { timestamp: timestampFromDate(entry.timestamp) } : {}),
                },
              ],
            },
          },
        };
      }
    } catch (err) {
      const error = toConnectError(err);
      metrics?.failed(taskType, "logs", httpStatusOf(error), (performance.now() - started) / 1000);
      log.error({ err }, `logs failed: ${messageOf(err)}`);
      throw error;
    }
    metrics?.succeeded(taskType, "logs", (performance.now() - started) / 1000);
  }

  router.service(SyncAgentService, {
    executeTaskSync: (requests, ctx) => executeSync(requests, ctx),
  });

  async function* executeSync(
    requests: AsyncIterable<ExecuteTaskSyncRequest>,
    ctx: HandlerContext,
  ): AsyncIterable<Omit<ExecuteTaskSyncResponse, "$typeName">> {
    // Propeller sends exactly the header, then the inputs, then closes its side and reads one reply.
    const iterator = requests[Symbol.asyncIterator]();
    const first = await iterator.next();
    const header = !first.done && first.value.part.case === "header" ? first.value.part.value : undefined;
    const resource = await instrument("do", header?.template?.type ?? "", async (log) => {
      if (header === undefined) {
        throw invalid("ExecuteTaskSync: the first message must be a header (template, output_prefix); send it before the inputs");
      }
      const category = templateCategory(header.template, "ExecuteTaskSync");
      const r = registry.find(category.name, category.version);
      const second = await iterator.next();
      let inputs: LiteralMap | undefined;
      if (!second.done) {
        if (second.value.part.case !== "inputs") {
          throw invalid("ExecuteTaskSync: the second message must carry the inputs; a stream holds one header, then one inputs message");
        }
        inputs = second.value.part.value;
      }
      if (!(r.agent instanceof SyncAgent)) {
        throw invalid(`task type ${r.category.name} is served by an async agent (${r.name}); call CreateTask, not ExecuteTaskSync`);
      }
      const agent = r.agent;
      const context = taskContext(r, ctx, log, category.template, inputs, header.outputPrefix, header.taskExecutionMetadata);
      let result: Record<string, unknown> | TaskResource;
      try {
        result = await agent.execute(context);
      } catch (err) {
        if (!(err instanceof TaskFailure)) throw err;
        log.info({ code: err.code }, `task failed: ${err.message}`);
        result = failureResource(err);
      }
      const outputTypes = r.outputVariables ?? category.template.interface?.outputs;
      const taskResource: TaskResource = isTaskResource(result) ? result : { phase: "SUCCEEDED", outputs: result };
      if (!isTerminalPhase(taskResource.phase)) {
        throw new AgentwireError(
          "internal",
          `${agent.constructor.name}.execute returned phase ${taskResource.phase}; a sync agent must return a terminal phase (Propeller never polls a sync task)`,
        );
      }
      return toResourceProto(taskResource, outputTypes, `${agent.constructor.name}.execute`);
    });
    yield { res: { case: "header", value: { $typeName: "flyteidl.admin.ExecuteTaskSyncResponseHeader", resource } } };
  }

  router.service(AgentMetadataService, {
    listAgents: () => ({ agents: registry.metadata() }),
    getAgent: (req) => {
      try {
        return { agent: registry.metadataFor(req.name) };
      } catch (err) {
        throw toConnectError(err);
      }
    },
  });
}

function failureResource(err: TaskFailure): TaskResource {
  return {
    phase: err.recoverable ? "RETRYABLE_FAILED" : "FAILED",
    message: err.message,
    agentError: { code: err.code, recoverable: err.recoverable, origin: err.origin },
  };
}
