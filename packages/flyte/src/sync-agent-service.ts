import { create } from "@bufbuild/protobuf";
import { AgentwireError } from "@agentwire/core";
import { serviceTable, type AnyServiceTable, type ServiceTable } from "@agentwire/core/grpc";
import type { HandlerContext } from "@connectrpc/connect";
import {
  ExecuteTaskSyncResponseSchema,
  type ExecuteTaskSyncRequest,
  type ExecuteTaskSyncResponse,
} from "./gen/flyteidl/admin/agent_pb.js";
import type { LiteralMap } from "./gen/flyteidl/core/literals_pb.js";
import { SyncAgentService } from "./gen/flyteidl/service/agent_pb.js";
import { taskContext } from "./handler-context.js";
import type { ServiceRuntime } from "./service-runtime.js";
import { SyncAgent } from "./sync-agent.js";
import { TaskFailure, taskFailureResource } from "./task-failure.js";
import { isTerminalPhase, toResourceProto, type TaskResource } from "./task-resource.js";
import { templateCategory } from "./task-routing.js";

function invalid(message: string): AgentwireError {
  return new AgentwireError("invalid_argument", message);
}

/**
 * `flyteidl.service.SyncAgentService`: ExecuteTaskSync as Propeller calls it. It sends exactly the header
 * (template, output prefix), then the inputs, then closes its side and reads one reply: a header with a
 * terminal resource.
 */
export function syncAgentService({ registry, calls, metrics }: ServiceRuntime): ServiceTable<typeof SyncAgentService> & AnyServiceTable {
  async function* executeTaskSync(requests: AsyncIterable<ExecuteTaskSyncRequest>, ctx: HandlerContext): AsyncIterable<ExecuteTaskSyncResponse> {
    const iterator = requests[Symbol.asyncIterator]();
    const first = await iterator.next();
    const header = !first.done && first.value.part.case === "header" ? first.value.part.value : undefined;
    const resource = await calls.unary("do", header?.template?.type ?? "", async (log) => {
      if (header === undefined) {
        throw invalid("ExecuteTaskSync: the first message must be a header (template, output_prefix); send it before the inputs");
      }
      const { template, name, version } = templateCategory(header.template, "ExecuteTaskSync");
      const r = registry.find(name, version);
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
      const context = taskContext(r, ctx, log, { template, inputs, outputPrefix: header.outputPrefix, taskExecutionMetadata: header.taskExecutionMetadata }, metrics);
      let result: TaskResource;
      try {
        result = await agent.execute(context);
      } catch (err) {
        if (!(err instanceof TaskFailure)) throw err;
        log.info({ code: err.code }, `task failed: ${err.message}`);
        result = taskFailureResource(err);
      }
      const source = `${agent.constructor.name}.execute`;
      const phase = (result as { phase?: unknown } | undefined)?.phase;
      if (typeof phase === "string" && !isTerminalPhase(phase as TaskResource["phase"])) {
        throw new AgentwireError(
          "internal",
          `${source} returned phase ${phase}; a sync agent must return a terminal phase (Propeller never polls a sync task)`,
        );
      }
      return toResourceProto(result, r.outputVariables ?? template.interface?.outputs, source);
    });
    yield create(ExecuteTaskSyncResponseSchema, { res: { case: "header", value: { resource } } });
  }

  return serviceTable(SyncAgentService, { executeTaskSync });
}
