import { create, isMessage, type JsonObject } from "@bufbuild/protobuf";
import { durationFromMs } from "@bufbuild/protobuf/wkt";
import { AgentwireError } from "@agentwire/core";
import {
  AgentError_Kind,
  ResourceSchema,
  State,
  type Resource,
} from "./gen/flyteidl/admin/agent_pb.js";
import {
  ExecutionError_ErrorKind,
  TaskExecution_Phase,
  TaskLog_MessageFormat,
  TaskLogSchema,
  type TaskLog,
} from "./gen/flyteidl/core/execution_pb.js";
import { LiteralMapSchema, type LiteralMap } from "./gen/flyteidl/core/literals_pb.js";
import type { VariableMap } from "./gen/flyteidl/core/interface_pb.js";
import { fromLiteralMap, LiteralTypeError, toLiteralMap } from "./literals/index.js";

/**
 * The phases an agent reports. `UNDEFINED` is missing on purpose: Propeller reads an undefined phase
 * through the deprecated `state`, whose zero value is RETRYABLE_FAILURE, so an empty phase would fail the task.
 */
export type TaskPhase =
  | "QUEUED"
  | "WAITING_FOR_RESOURCES"
  | "INITIALIZING"
  | "RUNNING"
  | "SUCCEEDED"
  | "FAILED"
  | "RETRYABLE_FAILED"
  | "ABORTED";

export const taskPhases: readonly TaskPhase[] = [
  "QUEUED",
  "WAITING_FOR_RESOURCES",
  "INITIALIZING",
  "RUNNING",
  "SUCCEEDED",
  "FAILED",
  "RETRYABLE_FAILED",
  "ABORTED",
];

/** Phases after which Propeller stops polling. RETRYABLE_FAILED is terminal for this attempt too. */
export function isTerminalPhase(phase: TaskPhase): boolean {
  return phase === "SUCCEEDED" || phase === "FAILED" || phase === "RETRYABLE_FAILED" || phase === "ABORTED";
}

/**
 * A link shown in the Flyte console next to the task, e.g. the job's log page. Propeller only forwards
 * changes when the phase changes, so return final links with the first RUNNING resource.
 */
export interface LogLink {
  name: string;
  uri: string;
  /** How the console renders the target. Default: "unknown". */
  format?: "unknown" | "csv" | "json";
  /** Show the link before the task runs. Default: false. */
  showWhilePending?: boolean;
  /** Hide the link once the task has finished. Default: false. */
  hideOnceFinished?: boolean;
  /** How long the link stays valid, in milliseconds. */
  ttlMs?: number;
}

/**
 * A structured failure (flyteidl `AgentError`). Propeller 1.x uses `code` as the failure's code on the sync
 * path; the kind and origin are carried for newer hosts.
 */
export interface AgentErrorInfo {
  /** A short machine-readable code such as `"HTTP_TIMEOUT"`. */
  code: string;
  /** Whether a retry may succeed. Default: false. */
  recoverable?: boolean;
  /** Whose fault it was. Default: "unknown". */
  origin?: "unknown" | "user" | "system";
}

/** What any answer may carry besides its phase. */
export interface ResultDetails {
  /** A human-readable status; Propeller shows it for queued and failed tasks (RUNNING drops it). */
  message?: string;
  /** Links shown in the console. Propeller records them only when the phase changes: send them from the first RUNNING on. */
  logLinks?: LogLink[];
  /** Free-form JSON shown in the console's task details (a `google.protobuf.Struct`: numbers are doubles). */
  customInfo?: JsonObject;
}

/** The task is waiting or running: Propeller asks again in 30 s. */
export interface PendingTaskResource extends ResultDetails {
  phase: "QUEUED" | "WAITING_FOR_RESOURCES" | "INITIALIZING" | "RUNNING";
  /** Only SUCCEEDED carries outputs: Propeller reads them from nothing else. */
  outputs?: never;
  agentError?: never;
}

/**
 * The task succeeded. `outputs` are plain values converted with the task's declared output types (or
 * inferred from the values when it declares none), or a ready `LiteralMap`. Leave them out when the job
 * wrote `outputs.pb` under the output prefix itself.
 */
export interface SucceededTaskResource<Outputs = Record<string, unknown>> extends ResultDetails {
  phase: "SUCCEEDED";
  outputs?: Outputs | LiteralMap;
  agentError?: never;
}

/** The task failed (RETRYABLE_FAILED uses one of its retries) or was aborted. */
export interface FailedTaskResource extends ResultDetails {
  phase: "FAILED" | "RETRYABLE_FAILED" | "ABORTED";
  /** The failure's code, kind and origin (flyteidl `AgentError`). */
  agentError?: AgentErrorInfo;
  outputs?: never;
}

/**
 * What an agent reports about a task: the answer to `GetTask`, and the result of a sync `execute`. Build
 * it with the agent's helpers (`this.running(…)`, `this.succeeded(outputs)`, `this.failed(message)`), so
 * TypeScript checks the outputs against the task's declared types.
 *
 * ```ts
 * return this.succeeded({ exit_code: 0, stdout: "hello\n" }, { logLinks: [{ name: "Job log", uri }] });
 * ```
 */
export type TaskResource<Outputs = Record<string, unknown>> = PendingTaskResource | SucceededTaskResource<Outputs> | FailedTaskResource;

/** A resource whose phase ends the task: what a sync agent's `execute` returns. */
export type TerminalTaskResource<Outputs = Record<string, unknown>> = SucceededTaskResource<Outputs> | FailedTaskResource;

/** Options of a failure result: the TaskFailure fields plus what any answer carries. */
export interface FailureDetails extends Omit<ResultDetails, "message"> {
  /** A short machine-readable code, e.g. "QUOTA". Default: "TaskFailedWithError" (Propeller's). */
  code?: string;
  /** RETRYABLE_FAILED (uses one of the task's retries) instead of FAILED. Default: false. */
  recoverable?: boolean;
  /** Whose fault it was. Default: "user". */
  origin?: AgentErrorInfo["origin"];
}

/** A FAILED (or RETRYABLE_FAILED) resource with an agent error: what a returned or thrown failure becomes. */
export function failedResource(message: string, details: FailureDetails = {}): FailedTaskResource {
  const { code, recoverable, origin, ...rest } = details;
  return {
    ...rest,
    phase: recoverable ? "RETRYABLE_FAILED" : "FAILED",
    message,
    agentError: { code: code ?? "TaskFailedWithError", recoverable: recoverable ?? false, origin: origin ?? "user" },
  };
}

const phaseToProto: Record<TaskPhase, TaskExecution_Phase> = {
  QUEUED: TaskExecution_Phase.QUEUED,
  WAITING_FOR_RESOURCES: TaskExecution_Phase.WAITING_FOR_RESOURCES,
  INITIALIZING: TaskExecution_Phase.INITIALIZING,
  RUNNING: TaskExecution_Phase.RUNNING,
  SUCCEEDED: TaskExecution_Phase.SUCCEEDED,
  FAILED: TaskExecution_Phase.FAILED,
  RETRYABLE_FAILED: TaskExecution_Phase.RETRYABLE_FAILED,
  ABORTED: TaskExecution_Phase.ABORTED,
};

// The deprecated `state` is still read by Propellers older than 1.10.7, which ignore `phase`.
const phaseToState: Record<TaskPhase, State> = {
  QUEUED: State.PENDING,
  WAITING_FOR_RESOURCES: State.PENDING,
  INITIALIZING: State.PENDING,
  RUNNING: State.RUNNING,
  SUCCEEDED: State.SUCCEEDED,
  FAILED: State.PERMANENT_FAILURE,
  RETRYABLE_FAILED: State.RETRYABLE_FAILURE,
  ABORTED: State.PERMANENT_FAILURE,
};

const formatToProto = {
  unknown: TaskLog_MessageFormat.UNKNOWN,
  csv: TaskLog_MessageFormat.CSV,
  json: TaskLog_MessageFormat.JSON,
} as const;

const originToProto = {
  unknown: ExecutionError_ErrorKind.UNKNOWN,
  user: ExecutionError_ErrorKind.USER,
  system: ExecutionError_ErrorKind.SYSTEM,
} as const;

function isLiteralMap(value: unknown): value is LiteralMap {
  return isMessage(value, LiteralMapSchema);
}

function toTaskLog(link: LogLink): TaskLog {
  return create(TaskLogSchema, {
    name: link.name,
    uri: link.uri,
    messageFormat: formatToProto[link.format ?? "unknown"],
    ShowWhilePending: link.showWhilePending ?? false,
    HideOnceFinished: link.hideOnceFinished ?? false,
    ...(link.ttlMs === undefined ? {} : { ttl: durationFromMs(link.ttlMs) }),
  });
}

/**
 * Converts what an agent returned into the wire `Resource`, refusing what Propeller would misread: an
 * unknown or empty phase, or outputs with a phase other than SUCCEEDED (Propeller only writes outputs on
 * success, so they would be lost without a word).
 */
export function toResourceProto(resource: TaskResource, outputTypes: VariableMap | undefined, source: string): Resource {
  if (typeof resource !== "object" || resource === null || typeof (resource as { phase?: unknown }).phase !== "string") {
    throw new AgentwireError(
      "internal",
      `${source} returned ${describeReturned(resource)}; it must return a result such as this.succeeded(outputs) or this.failed(message)`,
    );
  }
  const phase = resource.phase;
  if (!taskPhases.includes(phase)) {
    throw new AgentwireError(
      "internal",
      `${source} returned phase ${JSON.stringify(phase)}; a phase is one of ${taskPhases.join(", ")}`,
    );
  }
  if (resource.outputs !== undefined && phase !== "SUCCEEDED") {
    throw new AgentwireError(
      "internal",
      `${source} returned outputs with phase ${phase}; Propeller reads outputs only from a SUCCEEDED resource`,
    );
  }
  const outputs =
    resource.outputs === undefined
      ? undefined
      : isLiteralMap(resource.outputs)
        ? resource.outputs
        : outputsToLiterals(resource.outputs, outputTypes, source);
  const agentError = resource.agentError;
  return create(ResourceSchema, {
    state: phaseToState[phase],
    phase: phaseToProto[phase],
    message: resource.message ?? "",
    logLinks: (resource.logLinks ?? []).map(toTaskLog),
    ...(outputs === undefined ? {} : { outputs }),
    ...(resource.customInfo === undefined ? {} : { customInfo: resource.customInfo }),
    ...(agentError === undefined
      ? {}
      : {
          agentError: {
            code: agentError.code,
            kind: agentError.recoverable ? AgentError_Kind.RECOVERABLE : AgentError_Kind.NON_RECOVERABLE,
            origin: originToProto[agentError.origin ?? "unknown"],
          },
        }),
  });
}

function describeReturned(value: unknown): string {
  if (value === null || typeof value !== "object") return String(value);
  const keys = Object.keys(value);
  return keys.length === 0 ? "{}" : `an object without a phase ({ ${keys.slice(0, 4).join(", ")}${keys.length > 4 ? ", …" : ""} })`;
}

/** Output conversion failing is the agent's bug, not the caller's: INTERNAL, naming the output. */
function outputsToLiterals(outputs: Record<string, unknown>, outputTypes: VariableMap | undefined, source: string): LiteralMap {
  try {
    return toLiteralMap(outputs, outputTypes, { direction: "output" });
  } catch (err) {
    if (err instanceof LiteralTypeError) {
      throw new AgentwireError("internal", `${source} returned outputs Flyte cannot carry: ${err.message}`, { cause: err });
    }
    throw err;
  }
}

const protoToPhase = new Map<TaskExecution_Phase, TaskPhase>(
  Object.entries(phaseToProto).map(([name, value]) => [value, name as TaskPhase]),
);

const legacyStateToPhase: Record<State, TaskPhase> = {
  [State.RETRYABLE_FAILURE]: "RETRYABLE_FAILED",
  [State.PERMANENT_FAILURE]: "FAILED",
  [State.PENDING]: "QUEUED",
  [State.RUNNING]: "RUNNING",
  [State.SUCCEEDED]: "SUCCEEDED",
};

/**
 * Reads a wire `Resource` as Propeller does: `phase` first, and the deprecated `state` when the phase is
 * UNDEFINED (so an empty Resource reads as a retryable failure, exactly the trap Propeller falls into).
 */
export function fromResourceProto(resource: Resource, outputTypes?: VariableMap): TaskResource {
  const phase =
    resource.phase === TaskExecution_Phase.UNDEFINED
      ? legacyStateToPhase[resource.state]
      : protoToPhase.get(resource.phase);
  if (phase === undefined) {
    throw new AgentwireError("internal", `the agent answered an unknown phase ${resource.phase}`);
  }
  const out = { phase } as TaskResource & { outputs?: Record<string, unknown>; agentError?: AgentErrorInfo };
  if (resource.message !== "") out.message = resource.message;
  if (resource.logLinks.length > 0) {
    out.logLinks = resource.logLinks.map((l) => ({
      name: l.name,
      uri: l.uri,
      format: l.messageFormat === TaskLog_MessageFormat.CSV ? "csv" : l.messageFormat === TaskLog_MessageFormat.JSON ? "json" : "unknown",
      showWhilePending: l.ShowWhilePending,
      hideOnceFinished: l.HideOnceFinished,
    }));
  }
  if (resource.outputs !== undefined) out.outputs = fromLiteralMap(resource.outputs, outputTypes, { direction: "output" });
  if (resource.customInfo !== undefined) out.customInfo = resource.customInfo;
  if (resource.agentError !== undefined) {
    out.agentError = {
      code: resource.agentError.code,
      recoverable: resource.agentError.kind === AgentError_Kind.RECOVERABLE,
      origin:
        resource.agentError.origin === ExecutionError_ErrorKind.USER
          ? "user"
          : resource.agentError.origin === ExecutionError_ErrorKind.SYSTEM
            ? "system"
            : "unknown",
    };
  }
  return out;
}
