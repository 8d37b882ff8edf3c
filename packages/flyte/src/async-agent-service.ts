import { create, type JsonObject } from "@bufbuild/protobuf";
import { durationMs, timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { AgentwireError } from "@agentwire/core";
import { serviceTable, type AnyServiceTable, type ServiceTable } from "@agentwire/core/grpc";
import { agentContext, callRedactor, taskContext, wireFieldSize } from "./handler-context.js";
import { CreateTaskRequestSchema, GetTaskLogsResponseSchema, LogLineOriginator, type GetTaskLogsResponse } from "./gen/flyteidl/admin/agent_pb.js";
import { AsyncAgentService } from "./gen/flyteidl/service/agent_pb.js";
import { encodeResourceMeta } from "./resource-meta.js";
import type { ServiceRuntime } from "./service-runtime.js";
import { TaskFailure, taskFailureResource } from "./task-failure.js";
import { toResourceProto, type TaskResource } from "./task-resource.js";
import { requestTaskType, requireAsync, resolveLaunchedTask, templateCategory } from "./task-routing.js";
import type { TaskLogLine } from "./async-agent.js";

const originators = { user: LogLineOriginator.USER, system: LogLineOriginator.SYSTEM, unknown: LogLineOriginator.UNKNOWN } as const;

function logLinePart(line: TaskLogLine | string): GetTaskLogsResponse {
  const entry = typeof line === "string" ? { message: line } : line;
  return create(GetTaskLogsResponseSchema, {
    part: {
      case: "body",
      value: {
        structuredLines: [
          {
            message: entry.message,
            originator: originators[entry.originator ?? "unknown"],
            ...(entry.timestamp ? { timestamp: timestampFromDate(entry.timestamp) } : {}),
          },
        ],
      },
    },
  });
}

/**
 * `flyteidl.service.AsyncAgentService`: CreateTask, GetTask and DeleteTask as Propeller calls them, and
 * GetTaskMetrics / GetTaskLogs for agents that implement them (UNIMPLEMENTED otherwise).
 */
export function asyncAgentService({ registry, calls, metrics }: ServiceRuntime): ServiceTable<typeof AsyncAgentService> & AnyServiceTable {
  return serviceTable(AsyncAgentService, {
    createTask: (req, ctx) =>
      calls.unary("create", req.template?.type ?? "", async (log) => {
        const { template, name, version } = templateCategory(req.template, "CreateTask");
        const r = registry.find(name, version);
        const agent = requireAsync(r);
        const inputBytes = metrics ? wireFieldSize(ctx, CreateTaskRequestSchema, "inputs") : undefined;
        const context = taskContext(r, ctx, log, { template, inputs: req.inputs, outputPrefix: req.outputPrefix, taskExecutionMetadata: req.taskExecutionMetadata, inputBytes }, metrics);
        log.debug(`${r.name} start creating the job`);
        let meta: unknown;
        try {
          meta = await agent.create(context);
        } catch (err) {
          // CreateTask has no resource to carry a failure: Propeller turns every error into a retryable
          // failure of the attempt. FAILED_PRECONDITION at least keeps the author's message distinct.
          if (err instanceof TaskFailure) throw new AgentwireError("failed_precondition", err.message, { cause: err });
          throw err;
        }
        return { resourceMeta: encodeResourceMeta(agent.metaCodec, meta, r.agent.constructor.name) };
      }, callRedactor(ctx)),

    getTask: (req, ctx) =>
      calls.unary("get", requestTaskType(req), async (log) => {
        const { r, agent, meta } = await resolveLaunchedTask(registry, req, "GetTask");
        log.debug(`${r.name} checking the status of the job`);
        let resource: TaskResource;
        try {
          resource = await agent.get(meta, agentContext(r, ctx, log, { outputPrefix: req.outputPrefix }));
        } catch (err) {
          if (!(err instanceof TaskFailure)) throw err;
          resource = taskFailureResource(err);
        }
        return { resource: toResourceProto(resource, r.outputVariables, `${r.agent.constructor.name}.get`) };
      }, callRedactor(ctx)),

    deleteTask: (req, ctx) =>
      calls.unary("delete", requestTaskType(req), async (log) => {
        const { r, agent, meta } = await resolveLaunchedTask(registry, req, "DeleteTask");
        log.debug(`${r.name} deleting the job`);
        await agent.delete(meta, agentContext(r, ctx, log));
        return {};
      }, callRedactor(ctx)),

    getTaskMetrics: (req, ctx) =>
      calls.unary("metrics", requestTaskType(req), async (log) => {
        const { r, agent, meta } = await resolveLaunchedTask(registry, req, "GetTaskMetrics");
        if (!agent.getMetrics) {
          throw new AgentwireError("unimplemented", `${r.name} (task type ${r.category.name}) does not report metrics`);
        }
        const results = await agent.getMetrics(
          meta,
          agentContext(r, ctx, log, {
            queries: req.queries,
            ...(req.startTime ? { start: timestampDate(req.startTime) } : {}),
            ...(req.endTime ? { end: timestampDate(req.endTime) } : {}),
            ...(req.step ? { stepMs: durationMs(req.step) } : {}),
          }),
        );
        return { results: results.map((m) => ({ metric: m.metric, data: m.data as JsonObject })) };
      }),

    getTaskLogs: (req, ctx) =>
      calls.stream("logs", requestTaskType(req), async function* (log) {
        const { r, agent, meta } = await resolveLaunchedTask(registry, req, "GetTaskLogs");
        if (!agent.getLogs) {
          throw new AgentwireError("unimplemented", `${r.name} (task type ${r.category.name}) does not stream logs`);
        }
        for await (const line of agent.getLogs(meta, agentContext(r, ctx, log, { lines: Number(req.lines), token: req.token }))) {
          yield logLinePart(line);
        }
      }),
  });
}
