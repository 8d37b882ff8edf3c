// Flyte 2's connector protocol, `flyteidl2.connector`: AsyncConnectorService and ConnectorMetadataService for
// every async agent, answered by the same agent code as Flyte 1's services. A v2 request is turned into the
// v1 request the v1 service answers (flyteidl2's literals, templates and execution metadata are wire-compatible
// with flyteidl's: only fields v1 lacks are added, and they are kept as unknown fields), and the v1 answer back
// into v2 (`task.Inputs`/`task.Outputs` as named literals, no legacy `state`, no `agent_error`). The v2
// `connection` (secrets and configs sent inline) reaches the agent through its context. Sync agents exist only
// in Flyte 1: they are not listed here, and a v2 call for one is refused saying so.
import { create, fromBinary, toBinary, type DescMessage, type MessageInitShape, type MessageShape } from "@bufbuild/protobuf";
import { ConnectError, type HandlerContext } from "@connectrpc/connect";
import { AgentwireError } from "@agentwire/core";
import { serviceTable, toConnectError, type AnyServiceTable, type ServiceTable } from "@agentwire/core/grpc";
import type { AgentRegistry } from "./agent-registry.js";
import { callProtocolKey, callRedactor, type FlyteConnection } from "./handler-context.js";
import {
  CreateTaskRequestSchema as V1CreateTaskRequestSchema,
  GetTaskLogsRequestSchema as V1GetTaskLogsRequestSchema,
  GetTaskLogsResponseSchema as V1GetTaskLogsResponseSchema,
  GetTaskMetricsRequestSchema as V1GetTaskMetricsRequestSchema,
  GetTaskMetricsResponseSchema as V1GetTaskMetricsResponseSchema,
  GetTaskRequestSchema as V1GetTaskRequestSchema,
  TaskExecutionMetadataSchema as V1TaskExecutionMetadataSchema,
  type GetTaskLogsResponse as V1GetTaskLogsResponse,
  type Resource as V1Resource,
} from "./gen/flyteidl/admin/agent_pb.js";
import { TaskLogSchema as V1TaskLogSchema } from "./gen/flyteidl/core/execution_pb.js";
import { LiteralSchema as V1LiteralSchema, type LiteralMap as V1LiteralMap } from "./gen/flyteidl/core/literals_pb.js";
import { TaskTemplateSchema as V1TaskTemplateSchema } from "./gen/flyteidl/core/tasks_pb.js";
import { GetTaskLogsResponseSchema, GetTaskMetricsResponseSchema, TaskExecutionMetadataSchema, type ConnectorSchema, type ResourceSchema } from "./gen2/flyteidl2/connector/connector_pb.js";
import { AsyncConnectorService, ConnectorMetadataService } from "./gen2/flyteidl2/connector/service_pb.js";
import { TaskLogSchema } from "./gen2/flyteidl2/core/execution_pb.js";
import { LiteralSchema } from "./gen2/flyteidl2/core/literals_pb.js";
import type { Connection } from "./gen2/flyteidl2/core/security_pb.js";
import { TaskTemplateSchema } from "./gen2/flyteidl2/core/tasks_pb.js";
import type { Inputs } from "./gen2/flyteidl2/task/common_pb.js";
import type { asyncAgentService } from "./async-agent-service.js";

/** One message as another whose wire form it shares (flyteidl2 ↔ flyteidl): through its bytes. */
function convert<From extends DescMessage, To extends DescMessage>(from: From, value: MessageShape<From>, to: To): MessageShape<To> {
  return fromBinary(to, toBinary(from, value));
}

/** `task.Inputs` (named literals) → the LiteralMap a v1 agent reads. */
function literalMap(inputs: Inputs | undefined): V1LiteralMap {
  const literals: V1LiteralMap["literals"] = {};
  for (const named of inputs?.literals ?? []) {
    if (named.value !== undefined) literals[named.name] = convert(LiteralSchema, named.value, V1LiteralSchema);
  }
  return { $typeName: "flyteidl.core.LiteralMap", literals };
}

/** A v1 Resource → v2: outputs as named literals; `state` and `agent_error` do not exist in v2. */
function resourceV2(resource: V1Resource | undefined): MessageInitShape<typeof ResourceSchema> | undefined {
  if (resource === undefined) return undefined;
  return {
    phase: resource.phase,
    message: resource.message,
    logLinks: resource.logLinks.map((l) => convert(V1TaskLogSchema, l, TaskLogSchema)),
    ...(resource.customInfo !== undefined ? { customInfo: resource.customInfo } : {}),
    ...(resource.outputs !== undefined
      ? { outputs: { literals: Object.entries(resource.outputs.literals).map(([name, value]) => ({ name, value: convert(V1LiteralSchema, value, LiteralSchema) })) } }
      : {}),
  };
}

function connectionOf(connection: Connection | undefined): FlyteConnection | undefined {
  if (connection === undefined) return undefined;
  return { taskType: connection.taskType, secrets: { ...connection.secrets }, configs: { ...connection.configs } };
}

/** Marks the call as a flyteidl2 one, with its connection, for the agent's context. */
function asV2(ctx: HandlerContext, connection?: Connection): HandlerContext {
  const c = connectionOf(connection);
  ctx.values.set(callProtocolKey, { protocol: "flyteidl2", ...(c ? { connection: c } : {}) });
  return ctx;
}

/** Refuses a v2 call for a task type only a sync agent serves: Flyte 2 has no sync connector service. */
function refuseSync(registry: AgentRegistry, name: string | undefined, version: number): void {
  if (name === undefined || name === "") return;
  let r;
  try {
    r = registry.find(name, version);
  } catch {
    return; // the v1 handler names what is unknown
  }
  if (r.isSync) {
    throw toConnectError(
      new AgentwireError(
        "failed_precondition",
        `task type ${name} is served by a sync agent (${r.name}); Flyte 2 has no sync connector service (no ExecuteTaskSync in flyteidl2.connector), so it is served only to Flyte 1 (flyteidl.service.SyncAgentService)`,
      ),
    );
  }
}

type V1Async = ReturnType<typeof asyncAgentService>["implementation"];

/** `flyteidl2.connector.AsyncConnectorService`, answered by the v1 AsyncAgentService's handlers. */
export function asyncConnectorService(registry: AgentRegistry, v1: V1Async): ServiceTable<typeof AsyncConnectorService> & AnyServiceTable {
  const call = <T>(fn: () => Promise<T> | T): Promise<T> =>
    Promise.resolve()
      .then(fn)
      .catch((err: unknown) => {
        throw err instanceof ConnectError ? err : toConnectError(err);
      });
  return serviceTable(AsyncConnectorService, {
    createTask: (req, ctx) =>
      call(async () => {
        refuseSync(registry, req.template?.type, req.template?.taskTypeVersion ?? 0);
        const v1req = create(V1CreateTaskRequestSchema, {
          inputs: literalMap(req.inputs),
          ...(req.template ? { template: convert(TaskTemplateSchema, req.template, V1TaskTemplateSchema) } : {}),
          outputPrefix: req.outputPrefix,
          ...(req.taskExecutionMetadata ? { taskExecutionMetadata: convert(TaskExecutionMetadataSchema, req.taskExecutionMetadata, V1TaskExecutionMetadataSchema) } : {}),
        });
        const res = await v1.createTask!(v1req, asV2(ctx, req.connection));
        return { resourceMeta: res.resourceMeta ?? new Uint8Array() };
      }),
    getTask: (req, ctx) =>
      call(async () => {
        refuseSync(registry, req.taskCategory?.name, req.taskCategory?.version ?? 0);
        const v1req = create(V1GetTaskRequestSchema, {
          resourceMeta: req.resourceMeta,
          outputPrefix: req.outputPrefix,
          ...(req.taskCategory ? { taskCategory: { name: req.taskCategory.name, version: req.taskCategory.version }, taskType: req.taskCategory.name } : {}),
        });
        const res = await v1.getTask!(v1req, asV2(ctx, req.connection));
        const resource = resourceV2(res.resource as V1Resource | undefined);
        if (resource === undefined) return {};
        // The message and the log links are the agent's words, shown to everyone who sees the run: the
        // connection's secret values never go back in them.
        const redactor = callRedactor(ctx);
        if (redactor) {
          if (typeof resource.message === "string") resource.message = redactor.redact(resource.message);
          for (const link of resource.logLinks ?? []) {
            link.name = redactor.redact(link.name ?? "");
            link.uri = redactor.redact(link.uri ?? "");
          }
        }
        return { resource };
      }),
    deleteTask: (req, ctx) =>
      call(async () => {
        refuseSync(registry, req.taskCategory?.name, req.taskCategory?.version ?? 0);
        await v1.deleteTask!(
          {
            $typeName: "flyteidl.admin.DeleteTaskRequest",
            taskType: req.taskCategory?.name ?? "",
            resourceMeta: req.resourceMeta,
            ...(req.taskCategory ? { taskCategory: { $typeName: "flyteidl.admin.TaskCategory", name: req.taskCategory.name, version: req.taskCategory.version } } : {}),
          },
          asV2(ctx, req.connection),
        );
        return {};
      }),
    getTaskMetrics: (req, ctx) =>
      call(async () => {
        refuseSync(registry, req.taskCategory?.name, req.taskCategory?.version ?? 0);
        const v1req = create(V1GetTaskMetricsRequestSchema, {
          resourceMeta: req.resourceMeta,
          queries: req.queries,
          ...(req.startTime ? { startTime: req.startTime } : {}),
          ...(req.endTime ? { endTime: req.endTime } : {}),
          ...(req.step ? { step: req.step } : {}),
          ...(req.taskCategory ? { taskCategory: { name: req.taskCategory.name, version: req.taskCategory.version }, taskType: req.taskCategory.name } : {}),
        });
        const res = await v1.getTaskMetrics!(v1req, asV2(ctx));
        return convert(V1GetTaskMetricsResponseSchema, create(V1GetTaskMetricsResponseSchema, res), GetTaskMetricsResponseSchema);
      }),
    async *getTaskLogs(req, ctx) {
      refuseSync(registry, req.taskCategory?.name, req.taskCategory?.version ?? 0);
      const v1req = create(V1GetTaskLogsRequestSchema, {
        resourceMeta: req.resourceMeta,
        lines: req.lines,
        token: req.token,
        ...(req.taskCategory ? { taskCategory: { name: req.taskCategory.name, version: req.taskCategory.version }, taskType: req.taskCategory.name } : {}),
      });
      // flyteidl's log lines and flyteidl2's (logs.dataplane.LogLine) share their fields' numbers.
      for await (const part of v1.getTaskLogs!(v1req, asV2(ctx)) as AsyncIterable<V1GetTaskLogsResponse>) {
        yield convert(V1GetTaskLogsResponseSchema, part, GetTaskLogsResponseSchema);
      }
    },
  });
}

/** `flyteidl2.connector.ConnectorMetadataService`: the async agents (a connector has no `is_sync` in v2). */
export function connectorMetadataService(registry: AgentRegistry): ServiceTable<typeof ConnectorMetadataService> & AnyServiceTable {
  const connectors = (): Array<MessageInitShape<typeof ConnectorSchema> & { name: string }> =>
    registry
      .metadata()
      .filter((a) => !a.isSync)
      .map((a) => ({ name: a.name, supportedTaskCategories: a.supportedTaskCategories.map((c) => ({ name: c.name, version: c.version })) }));
  return serviceTable(ConnectorMetadataService, {
    listConnectors: () => ({ connectors: connectors() }),
    getConnector: (req) => {
      const found = connectors().find((c) => c.name === req.name);
      if (found) return { connector: found };
      const sync = registry.metadata().find((a) => a.name === req.name && a.isSync);
      throw toConnectError(
        sync
          ? new AgentwireError("not_found", `"${req.name}" is a sync agent: Flyte 2 has no sync connectors, so it is listed only by flyteidl.service.AgentMetadataService`)
          : new AgentwireError("not_found", `no connector named "${req.name}"; this server has: ${connectors().map((c) => `"${c.name}"`).join(", ") || "none"}`),
      );
    },
  });
}
