import { create, toBinary, type DescMessage } from "@bufbuild/protobuf";
import { createContextKey, type HandlerContext } from "@connectrpc/connect";
import { Redactor, type Logger } from "@agentwire/core";
import { fieldBytesLength, requestBytesOf } from "@agentwire/core/grpc";
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
  // `signal` is a getter of the object itself (a spread would read it at once), defined in the literal:
  // Object.defineProperty afterwards turns the object into a slower dictionary-mode one.
  const context = {
    get signal() {
      return ctx.signal;
    },
    timeoutMs: () => ctx.timeoutMs(),
    logger: log,
    taskCategory: r.category,
    protocol,
    ...(connection ? { connection } : {}),
    ...extra,
  };
  return context as AgentContext & Extra;
}

/** The request a task context is built from: CreateTask's fields, or ExecuteTaskSync's header and inputs. */
export interface TaskRequest {
  template: TaskTemplate;
  inputs: LiteralMap | undefined;
  outputPrefix: string;
  taskExecutionMetadata: TaskExecutionMetadata | undefined;
  /** The serialised size of `inputs` when it is known without serialising them (wireFieldSize). */
  inputBytes?: number | undefined;
}

/**
 * The serialised size of the request's field `field`, read off the request's wire bytes when the transport
 * kept them (grpc-js) and the call's request is a `schema` message (not, say, a Flyte 2 request adapted to
 * Flyte 1's handler); otherwise undefined.
 */
export function wireFieldSize(ctx: HandlerContext, schema: DescMessage, field: string): number | undefined {
  if (ctx.method.input !== schema) return undefined;
  const wire = requestBytesOf(ctx);
  const desc = schema.field[field];
  return wire === undefined || desc === undefined ? undefined : fieldBytesLength(wire, desc.number);
}

/** The context of `create` and `execute`: the decoded, checked inputs and the template. */
export function taskContext(r: RegisteredAgent, ctx: HandlerContext, log: Logger, request: TaskRequest, metrics: AgentMetrics | undefined): TaskContext {
  const rawInputs = request.inputs ?? create(LiteralMapSchema);
  // Serialising just to measure costs a few percent of a CreateTask: read off the wire when the transport
  // kept the bytes, and only when metrics are recorded.
  if (metrics) metrics.inputSize(r.category.name, request.inputBytes ?? toBinary(LiteralMapSchema, rawInputs).byteLength);
  return agentContext(r, ctx, log, {
    inputs: decodeInputs(r, request.template, request.inputs),
    rawInputs,
    template: request.template,
    custom: request.template.custom ?? {},
    outputPrefix: request.outputPrefix,
    taskExecutionMetadata: request.taskExecutionMetadata,
  });
}
