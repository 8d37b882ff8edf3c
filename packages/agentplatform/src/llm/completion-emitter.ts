// The only way an author's events reach the wire. It keeps the invariants a host relies on when it
// assembles a `Complete` stream, so no plugin written with the SDK can send a stream a host misreads:
//
// - every tool-call delta carries its call's id; the tool's name is on the call's first delta only;
// - at most one usage, and before the finish;
// - exactly one finish, and nothing after it;
// - TOOL_USE if and only if the stream has tool calls (MAX_TOKENS may end either kind of stream: the model
//   was cut off, possibly in the middle of a call's arguments).
//
// A misuse is a bug in the plugin, not something the platform can fix: the method throws an INTERNAL
// AgentwireError that names the rule, the offending event is never sent, and the call fails with that
// error (after the events already sent) even if the author catches it.
import type { MessageInitShape } from "@bufbuild/protobuf";
import { AgentwireError } from "@agentwire/core";
import { FinishReason, type CompleteResponseSchema } from "../gen/agentplatform/v1/llm_pb.js";

/** One `CompleteResponse`, as the emitter hands it to the response stream. */
export type CompletionWireEvent = MessageInitShape<typeof CompleteResponseSchema>;

/** Token counts for the whole completion (`agentplatform.v1.Usage`). */
export interface CompletionUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/** One piece of a tool call: the tool's name on the call's first piece, and a fragment of its JSON arguments. */
export interface ToolCallDeltaInit {
  /** Required on the call's first delta; on later ones leave it out (the same name again is tolerated and dropped). */
  readonly name?: string;
  /** The next fragment of the arguments' JSON text. Default: `""`. */
  readonly argumentsDelta?: string;
}

/**
 * The events of a completion, as a `complete` that is an async generator yields them. Each does what the
 * emitter method of the same name does.
 *
 * ```ts
 * async *complete(request) {
 *   yield { type: "text", text: "Looking it up." };
 *   yield { type: "toolCall", id: "call_1", name: "get_weather", argumentsDelta: '{"city":"Paris"}' };
 *   yield { type: "usage", inputTokens: 42, outputTokens: 17 };
 * }
 * ```
 */
export type CompletionEvent =
  | { readonly type: "text"; readonly text: string }
  | ({ readonly type: "toolCall"; readonly id: string } & ToolCallDeltaInit)
  | ({ readonly type: "usage" } & CompletionUsage)
  | { readonly type: "finish"; readonly reason?: FinishReason };

/**
 * Streams a completion to the platform. Methods send at once (there is no buffering to flush) and throw an
 * INTERNAL `AgentwireError` on a misuse, which also fails the call. Once the call is cancelled (the
 * context's signal fired), calls are accepted and dropped: nothing is sent after a cancellation.
 *
 * ```ts
 * emit.text("Let me check. ");
 * emit.startToolCall("call_1", "get_weather");
 * emit.toolCallArguments("call_1", '{"city":');
 * emit.toolCallArguments("call_1", '"Paris"}');
 * emit.usage({ inputTokens: 42, outputTokens: 17 });
 * emit.finish(); // TOOL_USE, since there was a tool call; also sent for you if complete returns without it
 * ```
 */
export interface CompletionEmitter {
  /** A piece of the assistant's text (`Delta`). Empty text sends nothing. */
  text(content: string): void;
  /**
   * A piece of tool call `id`. The first delta for an id starts the call and must name the tool; later ones
   * add argument fragments. Use this when the upstream's chunks already look like that (OpenAI's do).
   */
  toolCall(id: string, delta: ToolCallDeltaInit): void;
  /** Starts tool call `id` of tool `name`, optionally with the arguments' first fragment. Refused for an id already started. */
  startToolCall(id: string, name: string, argumentsDelta?: string): void;
  /** The next fragment of a started call's JSON arguments. Refused for an id never started. Empty fragments send nothing. */
  toolCallArguments(id: string, argumentsDelta: string): void;
  /** The completion's token counts: once, before the finish. */
  usage(usage: CompletionUsage): void;
  /**
   * Ends the stream. Without a reason: TOOL_USE when there were tool calls, else STOP (which is also what
   * the SDK sends when `complete` returns without finishing). An explicit STOP after tool calls, or TOOL_USE
   * without any, is refused rather than corrected: it means the plugin misread its upstream. MAX_TOKENS is
   * accepted either way.
   */
  finish(reason?: FinishReason): void;
  /** True once `finish` was called (or sent for the author). */
  readonly finished: boolean;
  /** The ids of the tool calls started so far, in order. */
  readonly toolCallIds: readonly string[];
}

/** Where the emitter's events go: the call's event channel. */
export interface EmitterSink {
  push(event: CompletionWireEvent): void;
  fail(error: unknown): void;
  readonly closed: boolean;
}

const maxInt32 = 2_147_483_647;
const reasonNames: Partial<Record<number, string>> = {
  [FinishReason.STOP]: "STOP",
  [FinishReason.TOOL_USE]: "TOOL_USE",
  [FinishReason.MAX_TOKENS]: "MAX_TOKENS",
};

/** A value as a refusal quotes it: strings quoted, numbers as written (NaN too), objects as JSON. */
function quoteValue(value: unknown): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
    case "boolean":
    case "bigint":
    case "undefined":
      return String(value);
    case "symbol":
      return value.toString();
    case "function":
      return "a function";
    default:
      try {
        return JSON.stringify(value);
      } catch {
        return "an object";
      }
  }
}

/** The emitter behind `context.emit`. Internal: authors get it typed as `CompletionEmitter`. */
export class StreamEmitter implements CompletionEmitter {
  private readonly calls = new Map<string, string>();
  private usageSent = false;
  private finishReason: FinishReason | undefined;

  constructor(
    private readonly sink: EmitterSink,
    private readonly signal: AbortSignal,
  ) {}

  get finished(): boolean {
    return this.finishReason !== undefined;
  }

  get toolCallIds(): readonly string[] {
    return [...this.calls.keys()];
  }

  text(content: string): void {
    if (typeof content !== "string") this.refuse(`text(${quoteValue(content)}): the text must be a string`);
    this.requireOpen("text()");
    if (content !== "") this.send({ event: { case: "delta", value: { content } } });
  }

  toolCall(id: string, delta: ToolCallDeltaInit): void {
    const call = `toolCall(${quoteValue(id)})`;
    this.requireId(call, id);
    if (typeof delta !== "object" || delta === null) this.refuse(`${call}: the delta must be an object { name?, argumentsDelta? }`);
    const { name, argumentsDelta = "" } = delta;
    if (name !== undefined && typeof name !== "string") this.refuse(`${call}: the name must be a string, got ${quoteValue(name)}`);
    if (typeof argumentsDelta !== "string") this.refuse(`${call}: argumentsDelta must be a string, got ${quoteValue(argumentsDelta)}`);
    this.requireOpen(call);
    const known = this.calls.get(id);
    if (known === undefined) {
      if (name === undefined || name === "") {
        this.refuse(`${call}: the first delta of a tool call must name the tool (the name goes on a call's first delta only)`);
      }
      this.start(id, name, argumentsDelta);
      return;
    }
    if (name !== undefined && name !== "" && name !== known) {
      this.refuse(`${call}: the call is to ${quoteValue(known)}; a later delta cannot rename it to ${quoteValue(name)}`);
    }
    if (argumentsDelta !== "") this.send({ event: { case: "toolCallDelta", value: { id, argumentsChunk: argumentsDelta } } });
  }

  startToolCall(id: string, name: string, argumentsDelta = ""): void {
    const call = `startToolCall(${quoteValue(id)})`;
    this.requireId(call, id);
    if (typeof name !== "string" || name === "") this.refuse(`${call}: the tool's name must be a non-empty string, got ${quoteValue(name)}`);
    if (typeof argumentsDelta !== "string") this.refuse(`${call}: argumentsDelta must be a string, got ${quoteValue(argumentsDelta)}`);
    this.requireOpen(call);
    if (this.calls.has(id)) this.refuse(`${call}: the call was already started (ids are unique within a completion)`);
    this.start(id, name, argumentsDelta);
  }

  toolCallArguments(id: string, argumentsDelta: string): void {
    const call = `toolCallArguments(${quoteValue(id)})`;
    this.requireId(call, id);
    if (typeof argumentsDelta !== "string") this.refuse(`${call}: argumentsDelta must be a string, got ${quoteValue(argumentsDelta)}`);
    this.requireOpen(call);
    if (!this.calls.has(id)) {
      const started = this.calls.size === 0 ? "none" : [...this.calls.keys()].map(quoteValue).join(", ");
      this.refuse(`${call}: unknown tool call id (started: ${started}); call startToolCall(id, name) first`);
    }
    if (argumentsDelta !== "") this.send({ event: { case: "toolCallDelta", value: { id, argumentsChunk: argumentsDelta } } });
  }

  usage(usage: CompletionUsage): void {
    if (typeof usage !== "object" || usage === null) this.refuse(`usage(${quoteValue(usage)}): expected { inputTokens, outputTokens }`);
    for (const field of ["inputTokens", "outputTokens"] as const) {
      const value = usage[field];
      if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > maxInt32) {
        this.refuse(`usage(): ${field} must be an integer from 0 to ${maxInt32}, got ${quoteValue(value)}`);
      }
    }
    if (this.finished) this.refuse("usage() after finish(): usage must come before the finish");
    if (this.usageSent) this.refuse("usage() called twice: send the completion's usage once, with its totals");
    this.usageSent = true;
    this.send({ event: { case: "usage", value: { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens } } });
  }

  finish(reason?: FinishReason): void {
    if (reason !== undefined && reasonNames[reason] === undefined) {
      this.refuse(`finish(${quoteValue(reason)}): the reason must be FinishReason.STOP, TOOL_USE or MAX_TOKENS (or none, to let the SDK choose)`);
    }
    if (this.finishReason !== undefined) {
      this.refuse(`finish() called twice: the stream already finished with ${reasonNames[this.finishReason]}`);
    }
    const calls = this.calls.size;
    if (reason === FinishReason.TOOL_USE && calls === 0) {
      this.refuse("finish(TOOL_USE) without a tool call: TOOL_USE tells the platform to run the calls; finish with STOP, or call finish() to let the SDK choose");
    }
    if (reason === FinishReason.STOP && calls > 0) {
      this.refuse(
        `finish(STOP) after ${calls} tool call(s) (${this.toolCallIds.map(quoteValue).join(", ")}): a stream with tool calls ends with TOOL_USE; call finish() to let the SDK choose`,
      );
    }
    const chosen = reason ?? (calls > 0 ? FinishReason.TOOL_USE : FinishReason.STOP);
    this.finishReason = chosen;
    this.send({ event: { case: "finish", value: { reason: chosen } } });
  }

  /** The reason the stream finished with, if it did. */
  get reason(): FinishReason | undefined {
    return this.finishReason;
  }

  /**
   * Applies one event a generator `complete` yielded. Unknown event types are refused.
   */
  apply(event: CompletionEvent): void {
    if (typeof event !== "object" || event === null) this.refuse(`yielded ${quoteValue(event)}: expected an event object with a type`);
    switch (event.type) {
      case "text":
        return this.text(event.text);
      case "toolCall":
        return this.toolCall(event.id, event);
      case "usage":
        return this.usage(event);
      case "finish":
        return this.finish(event.reason);
      default:
        this.refuse(`yielded an event of type ${quoteValue((event as { type?: unknown }).type)}: expected "text", "toolCall", "usage" or "finish"`);
    }
  }

  private start(id: string, name: string, argumentsDelta: string): void {
    this.calls.set(id, name);
    this.send({ event: { case: "toolCallDelta", value: { id, name, argumentsChunk: argumentsDelta } } });
  }

  private requireId(call: string, id: unknown): asserts id is string {
    if (typeof id !== "string" || id === "") this.refuse(`${call}: the tool call id must be a non-empty string (it goes on every delta of the call)`);
  }

  private requireOpen(call: string): void {
    if (this.finished) this.refuse(`${call} after finish(): the finish is the stream's last event`);
  }

  private send(event: CompletionWireEvent): void {
    // After a cancellation (or once the call failed) events are dropped, not refused: the author's code may
    // still be unwinding, and throwing at it from, say, an event listener would do more harm than good.
    if (this.signal.aborted || this.sink.closed) return;
    this.sink.push(event);
  }

  private refuse(problem: string): never {
    const error = new AgentwireError("internal", `LLM stream misuse: ${problem}`);
    // Not sent: fail the call after the events already sent, whether or not the author catches this.
    if (!this.signal.aborted) this.sink.fail(error);
    throw error;
  }
}
