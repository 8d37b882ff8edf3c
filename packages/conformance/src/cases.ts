/**
 * The author's scenarios (`--cases FILE`, YAML or JSON): the public, documented format. Keys are camelCase;
 * payloads of a protocol (a hook's `payload`, a tool's `arguments`) are that protocol's JSON, passed as
 * written. One file may hold the sections of several protocols; a run reads its own and ignores the rest.
 *
 * Matching rules: an `expect` object matches when every value it names is found in the answer — objects by
 * subset, arrays element by element with the same length (`[]` means none), `message`/`errors`/`text` as
 * unanchored regular expressions (for an array of strings such as `errors`, when any element matches).
 */

// ---- Flyte ----

/**
 * Flyte's type names in lower case: `integer`, `float`, `string`, `boolean`, `datetime`, `duration`, `struct`,
 * `none`, `blob` (a single blob), `[T]`, `{string: T}` and `union[T1, T2, ...]` (`union[T, none]` is Optional[T]).
 */
import type { FlyteTypeName } from "@agentwire/flyte";

export type { FlyteTypeName };

export interface FlyteTaskCase {
  /** The scenario's name, shown in reports. */
  name: string;
  taskType: string;
  /** Default 0. */
  version?: number;
  interface?: { inputs?: Record<string, FlyteTypeName>; outputs?: Record<string, FlyteTypeName> };
  inputs?: Record<string, unknown>;
  /** The task template's custom struct. */
  custom?: Record<string, unknown>;
  /** `{ phase: SUCCEEDED, outputs: {...} }` or `{ phase: FAILED, message: "regex" }`. */
  expect?: { phase?: string; outputs?: Record<string, unknown>; message?: string };
  /** DeleteTask once the task is RUNNING, then expect the terminal phase (`ABORTED` unless `expect` says otherwise). */
  abort?: boolean;
  /**
   * Flyte 2 only: the `connection` sent with every call of the task, as the executor resolves it (secrets
   * and configs inline). Its secret values must never come back in an answer (`flyte2.async.secrets-not-echoed`).
   */
  connection?: { secrets?: Record<string, string>; configs?: Record<string, string> };
}

export interface FlyteCases {
  tasks?: FlyteTaskCase[];
}

// ---- ActiveWorkflow ----

export interface ActiveWorkflowCallCase {
  name: string;
  method: "receive" | "check";
  options?: Record<string, unknown>;
  memory?: Record<string, unknown>;
  credentials?: Array<{ name: string; value: string }>;
  /** receive only: wrapped in a message record as ActiveWorkflow sends it. */
  payload?: Record<string, unknown>;
  /** Each key optional. `errors` is a regex matched against any element. */
  expect?: { messages?: unknown[]; memory?: Record<string, unknown>; errors?: string; logs?: string };
}

export interface ActiveWorkflowCases {
  calls?: ActiveWorkflowCallCase[];
}

// ---- AgentPlatform ----

/** A completion's request, camelCase as in `CompleteRequest`. */
export interface CompletionRequestCase {
  model?: string;
  messages: Array<{ role: string; content: string }>;
  maxTokens?: number;
  availableTools?: unknown[];
}

export interface AgentPlatformCases {
  /** Sent in Register, as the strings the platform would send. */
  config?: Record<string, string | number | boolean>;
  tools?: Array<{ name: string; tool: string; arguments?: unknown; expect?: { isError?: boolean; result?: unknown } }>;
  completions?: Array<{
    name: string;
    request: CompletionRequestCase;
    expect?: { finish?: string; text?: string };
  }>;
  /**
   * The cancel check's upstream witness: the harness starts a fake OpenAI-compatible upstream that streams one
   * chunk and then holds the request open, Registers with `config` (each `{{upstream}}` replaced by the
   * witness's base URL, `http://127.0.0.1:<port>/v1`), sends `request` (default: the first completion's),
   * cancels it once the upstream request arrives, and requires the plugin to close that request.
   */
  cancelUpstream?: { config: Record<string, string | number | boolean>; request?: CompletionRequestCase };
  hooks?: Array<{ name: string; event: string; payload: Record<string, unknown>; expect?: { action?: string } }>;
  views?: Array<{ name: string; view: string; routes?: Array<{ method: string; path: string; body?: unknown; expect?: { status?: number; body?: unknown } }> }>;
}

/** The whole file: any subset of the three protocols' sections. */
export type CasesFile = FlyteCases & ActiveWorkflowCases & AgentPlatformCases;
