// Reading a payload into its typed shape, leniently: a known field that is missing or `null` reads as its
// zero value ("" / 0 / false / []), as proto3 and a Go platform's encoding/json (nil slices are `null`) would
// give it; an optional one stays absent; a field the shape does not know is kept as it came (exactly: the
// payload was parsed losslessly). A known number field (`turn_number`, `temperature`, `max_tokens`) is
// given as a `number` whatever its spelling (`1.0` is 1). Only a known field of the wrong JSON type is a
// problem, because a handler typed against the shape would misread it.
import { isJsonObject, isLosslessNumber } from "@agentwire/core";
import {
  type AgentEventPayload,
  type HandoffPayload,
  type LifecycleEventName,
  type LifecycleMessage,
  type LifecyclePayloads,
  type LifecycleToolCall,
  type LifecycleToolDefinition,
  type LlmRequestPayload,
  type LlmResponsePayload,
  type ToolCallPayload,
  type ToolResultPayload,
  type TurnEventPayload,
} from "./payloads.js";

type Scalar = "string" | "number" | "boolean";
type FieldSpec = { readonly kind: Scalar; readonly optional?: true } | { readonly kind: "array"; readonly of: ObjectShape };
type ObjectShape = { readonly [field: string]: FieldSpec };

// The spec a field's type needs: a check at compile time that each shape below covers its interface.
type RequiredSpec<V> = V extends string
  ? { readonly kind: "string" }
  : V extends number
    ? { readonly kind: "number" }
    : V extends boolean
      ? { readonly kind: "boolean" }
      : V extends readonly (infer E)[]
        ? { readonly kind: "array"; readonly of: Shape<E> }
        : never;
type Shape<T> = {
  readonly [K in keyof T]-?: object extends Pick<T, K> ? RequiredSpec<NonNullable<T[K]>> & { readonly optional: true } : RequiredSpec<T[K]>;
};

const text = { kind: "string" } as const;
const num = { kind: "number" } as const;
const flag = { kind: "boolean" } as const;

const toolCall = { id: text, name: text, arguments_json: text } satisfies Shape<LifecycleToolCall>;
const message = {
  role: text,
  content: text,
  tool_calls: { kind: "array", of: toolCall },
  tool_call_id: { kind: "string", optional: true },
} satisfies Shape<LifecycleMessage>;
const toolDefinition = { name: text, description: text, parameters_json_schema: text } satisfies Shape<LifecycleToolDefinition>;
const agentEvent = { agent_name: text, input: text } satisfies Shape<AgentEventPayload>;
const turnEvent = { agent_name: text, turn_number: num } satisfies Shape<TurnEventPayload>;

const shapes: { readonly [K in LifecycleEventName]: Shape<LifecyclePayloads[K]> } = {
  AGENT_START: agentEvent,
  AGENT_END: agentEvent,
  TURN_START: turnEvent,
  TURN_END: turnEvent,
  LLM_REQUEST: {
    model: text,
    messages: { kind: "array", of: message },
    tools: { kind: "array", of: toolDefinition },
    temperature: { kind: "number", optional: true },
    max_tokens: { kind: "number", optional: true },
  } satisfies Shape<LlmRequestPayload>,
  LLM_RESPONSE: { content: text, tool_calls: { kind: "array", of: toolCall }, finish_reason: text } satisfies Shape<LlmResponsePayload>,
  TOOL_CALL: { tool_name: text, arguments_json: text } satisfies Shape<ToolCallPayload>,
  TOOL_RESULT: { tool_name: text, result_json: text, is_error: flag } satisfies Shape<ToolResultPayload>,
  HANDOFF: { from_agent: text, to_agent: text, context: text } satisfies Shape<HandoffPayload>,
};

/** One thing wrong with a payload: where (`messages[1].content`, or `""` for the payload itself) and what. */
export interface PayloadProblem {
  readonly path: string;
  readonly problem: string;
}

/** The result of reading a payload: the typed value (fresh objects, unknown fields kept) or what is wrong. */
export type PayloadReading<T> = { readonly ok: true; readonly payload: T } | { readonly ok: false; readonly problems: readonly PayloadProblem[] };

/**
 * Reads `value` (parsed JSON) as the payload of `event`: the top level must be an object; known fields are
 * checked and defaulted; unknown ones pass through. Returns new objects, so a handler may change what it gets.
 */
export function readPayload<K extends LifecycleEventName>(event: K, value: unknown): PayloadReading<LifecyclePayloads[K]> {
  const problems: PayloadProblem[] = [];
  const payload = readObject(shapes[event], value, "", problems);
  return problems.length === 0 ? { ok: true, payload: payload as unknown as LifecyclePayloads[K] } : { ok: false, problems };
}

/** `a; b: c` for messages: each problem prefixed by its path. */
export function formatPayloadProblems(problems: readonly PayloadProblem[]): string {
  return problems.map((p) => (p.path === "" ? p.problem : `${p.path}: ${p.problem}`)).join("; ");
}

function readObject(shape: ObjectShape, value: unknown, path: string, problems: PayloadProblem[]): Record<string, unknown> {
  if (!isJsonObject(value)) {
    problems.push({ path, problem: `expected a JSON object, got ${typeAndValue(value)}` });
    return {};
  }
  const out: Record<string, unknown> = { ...value };
  for (const [field, spec] of Object.entries(shape)) {
    const at = path === "" ? field : `${path}.${field}`;
    const raw = value[field];
    if (raw === undefined || raw === null) {
      if (spec.kind === "array") out[field] = [];
      else if ("optional" in spec) delete out[field];
      else out[field] = spec.kind === "string" ? "" : spec.kind === "number" ? 0 : false;
    } else if (spec.kind === "array") {
      if (!Array.isArray(raw)) problems.push({ path: at, problem: `expected an array, got ${typeAndValue(raw)}` });
      else out[field] = raw.map((element, i) => readObject(spec.of, element, `${at}[${i}]`, problems));
    } else if (spec.kind === "number" && (typeof raw === "bigint" || isLosslessNumber(raw))) {
      // String first: a LosslessNumber's own conversion throws for a value out of a double's range.
      const value = Number(String(raw));
      if (Number.isFinite(value)) out[field] = value;
      else problems.push({ path: at, problem: `expected a finite number, got ${String(raw)}` });
    } else if (typeof raw !== spec.kind || (spec.kind === "number" && !Number.isFinite(raw))) {
      problems.push({ path: at, problem: `expected a ${spec.kind}, got ${typeAndValue(raw)}` });
    }
  }
  return out;
}

/** `number 42`, `string "x"`, `an array`: what a value was, short enough for an error message. */
function typeAndValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (isLosslessNumber(value)) return `number ${String(value)}`;
  if (typeof value === "object") return "an object";
  if (typeof value === "bigint") return `bigint ${value.toString()}`;
  if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") return typeof value;
  const text = JSON.stringify(value);
  return `${typeof value} ${text.length > 40 ? `${text.slice(0, 40)}…` : text}`;
}
