import { create, toBinary } from "@bufbuild/protobuf";
import { createContextKey, type HandlerContext } from "@connectrpc/connect";
import { Redactor, type Logger } from "@agentwire/core";
import type { AgentContext, TaskContext } from "./agent-context.js";
import type { AgentMetrics } from "./agent-metrics.js";
import type { RegisteredAgent } from "./agent-registry.js";
import type { TaskExecutionMetadata } from "./gen/flyteidl/admin/agent_pb.js";
import { LiteralMapSchema, type LiteralMap } from "./gen/flyteidl/core/literals_pb.js";
import type { TaskTemplate } from "./gen/flyteidl/core/tasks_pb.js";
import { decodeInputs } from "./task-inputs.js";

/** Flyte 2's `connection`: the task type it was resolved for, and the secrets and configs sent inline. */
export interface FlyteConnection {
  taskType: string;
  secrets: Record<string, string>;
  configs: Record<string, string>;
}

/** Which protocol a call came in on: Flyte 1's `flyteidl.service` or Flyte 2's `flyteidl2.connector` (with its connection). */
export interface CallProtocol {
  protocol: "flyteidl" | "flyteidl2";
  connection?: FlyteConnection;
}

/** Set by the flyteidl2 services on the call's context values; Flyte 1 calls carry the default. */
export const callProtocolKey = createContextKey<CallProtocol>({ protocol: "flyteidl" });

/** A redactor of the call's Flyte 2 connection secrets, when it carries any. */
export function callRedactor(ctx: HandlerContext): Redactor | undefined {
  const secrets = ctx.values.get(callProtocolKey).connection?.secrets;
  if (secrets === undefined) return undefined;
  const named = Object.entries(secrets).map(([name, value]) => ({ name, value }));
  return Redactor.needed(named) ? new Redactor(named, "secret") : undefined;
}

/**
 * What every handler context holds: the call's signal and deadline, a logger, the category, the protocol,
 * and `extra` (the operation's own fields). The signal is read from the call only when the agent reads it:
 * making one costs an AbortController and listeners a call that never looks at it need not pay for.
 */
export function agentContext<Extra extends object = object>(r: RegisteredAgent, ctx: HandlerContext, log: Logger, extra?: Extra): AgentContext & Extra {
  const { protocol, connection } = ctx.values.get(callProtocolKey);
  const context = {
    timeoutMs: () => ctx.timeoutMs(),
    logger: log,
    taskCategory: r.category,
    protocol,
    ...(connection ? { connection } : {}),
    ...extra,
  };
  // Defined on the final object (not spread, which would read it at once).
  Object.defineProperty(context, "signal", { get: () => ctx.signal, enumerable: true });
  return context as AgentContext & Extra;
}

/** The request a task context is built from: CreateTask's fields, or ExecuteTaskSync's header and inputs. */
export interface TaskRequest {
  template: TaskTemplate;
  inputs: LiteralMap | undefined;
  outputPrefix: string;
  taskExecutionMetadata: TaskExecutionMetadata | undefined;
}

/** The context of `create` and `execute`: the decoded, checked inputs and the template. */
export function taskContext(r: RegisteredAgent, ctx: HandlerContext, log: Logger, request: TaskRequest, metrics: AgentMetrics | undefined): TaskContext {
  const rawInputs = request.inputs ?? create(LiteralMapSchema);
  // Serializing just to measure costs a few percent of a CreateTask: only when metrics are recorded.
  if (metrics) metrics.inputSize(r.category.name, toBinary(LiteralMapSchema, rawInputs).byteLength);
  return agentContext(r, ctx, log, {
    inputs: decodeInputs(r, request.template, request.inputs),
    rawInputs,
    template: request.template,
    custom: request.template.custom ?? {},
    outputPrefix: request.outputPrefix,
    taskExecutionMetadata: request.taskExecutionMetadata,
  });
}
