// The stream assembler a test (and a host) uses: it turns a Complete stream into the completion it
// describes and refuses a stream that breaks the contract, saying which event broke which rule.
import { isJsonObject, parseJson } from "@agentwire/core";
import { FinishReason, type CompleteResponse } from "../gen/agentplatform/v1/llm_pb.js";

/** A tool call as the stream assembled it: the id, the name from its first delta, the argument chunks joined. */
export interface AssembledToolCall {
  readonly id: string;
  readonly name: string;
  /** The arguments' JSON text (`""` when the call sent none, which hosts read as `{}`). */
  readonly arguments: string;
}

/**
 * A `Complete` stream put together.
 *
 * ```ts
 * {
 *   text: "Let me check.",
 *   toolCalls: [{ id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' }],
 *   usage: { inputTokens: 42, outputTokens: 17 },
 *   finishReason: FinishReason.TOOL_USE,
 *   events: [...],
 * }
 * ```
 */
export interface AssembledCompletion {
  /** Every `Delta`'s content, in order. */
  readonly text: string;
  /** In the order the calls started. */
  readonly toolCalls: readonly AssembledToolCall[];
  /** The `Usage` event, if the stream had one. */
  readonly usage: { readonly inputTokens: number; readonly outputTokens: number } | undefined;
  readonly finishReason: FinishReason;
  /** The raw events, in order. */
  readonly events: readonly CompleteResponse[];
}

/** A `Complete` stream broke the contract. `index` is the offending event's position (the stream's length when a finish is missing). */
export class CompletionStreamViolation extends Error {
  constructor(
    message: string,
    readonly index: number,
    readonly event: CompleteResponse | undefined,
  ) {
    super(message);
    this.name = "CompletionStreamViolation";
  }
}

export interface CompletionAssemblerOptions {
  /**
   * Refuse a TOOL_USE stream whose calls' arguments are not JSON objects (`""` counts as `{}`). A MAX_TOKENS
   * stream is never checked: it was cut off, possibly mid-arguments. Default: true; a host that wants to
   * hand a model's malformed arguments back to the model turns it off.
   */
  requireJsonArguments?: boolean;
}

interface CallState {
  readonly id: string;
  readonly name: string;
  arguments: string;
}

const finishNames: Partial<Record<number, string>> = {
  [FinishReason.STOP]: "STOP",
  [FinishReason.TOOL_USE]: "TOOL_USE",
  [FinishReason.MAX_TOKENS]: "MAX_TOKENS",
};

/**
 * Assembles a `Complete` stream event by event and checks its invariants as they arrive:
 * every event sets one of `delta`/`tool_call_delta`/`usage`/`finish`; every tool-call delta has an id, the
 * name on the call's first delta and never on a later one; at most one usage, before the finish; exactly one
 * finish, last, with STOP, TOOL_USE or MAX_TOKENS; TOOL_USE if and only if there were tool calls (MAX_TOKENS
 * either way); and (see `requireJsonArguments`) JSON-object arguments. A violation throws a
 * `CompletionStreamViolation` naming the event and the rule.
 *
 * ```ts
 * const assembler = new CompletionAssembler();
 * for await (const event of driver.streamCompletion(request)) assembler.push(event);
 * const { text, toolCalls, finishReason } = assembler.result();
 * ```
 */
export class CompletionAssembler {
  private readonly seen: CompleteResponse[] = [];
  private readonly calls = new Map<string, CallState>();
  private text = "";
  private usage: { inputTokens: number; outputTokens: number } | undefined;
  private finishReason: FinishReason | undefined;
  private readonly requireJsonArguments: boolean;

  constructor(options: CompletionAssemblerOptions = {}) {
    this.requireJsonArguments = options.requireJsonArguments ?? true;
  }

  /** The events pushed so far. */
  get events(): readonly CompleteResponse[] {
    return this.seen;
  }

  /** True once the finish arrived. */
  get finished(): boolean {
    return this.finishReason !== undefined;
  }

  /** Adds the next event; throws `CompletionStreamViolation` if it breaks the contract (and then does not keep it). */
  push(response: CompleteResponse): void {
    const index = this.seen.length;
    const kind = response.event.case ?? "empty";
    const violation = (problem: string): never => {
      throw new CompletionStreamViolation(`Complete stream violation at event #${index} (${kind}): ${problem}`, index, response);
    };
    if (this.finishReason !== undefined) violation(`an event after the finish (${finishNames[this.finishReason]}): the finish must be the last event`);
    const event = response.event;
    switch (event.case) {
      case "delta":
        this.text += event.value.content;
        break;
      case "toolCallDelta": {
        const { id, name, argumentsChunk } = event.value;
        if (id === "") violation("a tool-call delta without an id: every delta must carry its call's id");
        const call = this.calls.get(id);
        if (call === undefined) {
          if (name === "") violation(`the first delta of tool call ${JSON.stringify(id)} has no name: the name goes on a call's first delta`);
          this.calls.set(id, { id, name, arguments: argumentsChunk });
        } else {
          if (name !== "") violation(`tool call ${JSON.stringify(id)} repeats its name (${JSON.stringify(name)}) on a later delta: the name goes on the first delta only`);
          call.arguments += argumentsChunk;
        }
        break;
      }
      case "usage": {
        const { inputTokens, outputTokens } = event.value;
        if (this.usage !== undefined) violation("a second usage event: usage is sent once, with the totals");
        if (inputTokens < 0 || outputTokens < 0) violation(`negative token counts (${inputTokens}, ${outputTokens})`);
        this.usage = { inputTokens, outputTokens };
        break;
      }
      case "finish": {
        const reason = event.value.reason;
        const name = finishNames[reason];
        if (name === undefined) violation(`finish reason ${reason === FinishReason.FINISH_REASON_UNSPECIFIED ? "FINISH_REASON_UNSPECIFIED" : reason} is not STOP, TOOL_USE or MAX_TOKENS`);
        const ids = [...this.calls.keys()];
        if (reason === FinishReason.TOOL_USE && ids.length === 0) violation("TOOL_USE without any tool call");
        if (reason === FinishReason.STOP && ids.length > 0) {
          violation(`STOP after ${ids.length} tool call(s) (${ids.map((id) => JSON.stringify(id)).join(", ")}): a stream with tool calls finishes with TOOL_USE`);
        }
        if (reason === FinishReason.TOOL_USE && this.requireJsonArguments) {
          for (const call of this.calls.values()) {
            const problem = argumentsProblem(call.arguments);
            if (problem !== undefined) violation(`tool call ${JSON.stringify(call.id)} (${call.name}): the arguments ${problem}: ${JSON.stringify(call.arguments)}`);
          }
        }
        this.finishReason = reason;
        break;
      }
      default:
        violation("an event with none of delta, tool_call_delta, usage or finish set");
    }
    this.seen.push(response);
  }

  /** The completion; throws `CompletionStreamViolation` if the stream has not finished. */
  result(): AssembledCompletion {
    if (this.finishReason === undefined) {
      throw new CompletionStreamViolation(
        `Complete stream violation: the stream ended after ${this.seen.length} event(s) without a finish: exactly one finish must end it`,
        this.seen.length,
        undefined,
      );
    }
    return {
      text: this.text,
      toolCalls: [...this.calls.values()].map(({ id, name, arguments: args }) => ({ id, name, arguments: args })),
      usage: this.usage,
      finishReason: this.finishReason,
      events: [...this.seen],
    };
  }
}

function argumentsProblem(text: string): string | undefined {
  if (text.trim() === "") return undefined;
  let parsed: unknown;
  try {
    parsed = parseJson(text);
  } catch (err) {
    return `are not valid JSON (${(err as Error).message})`;
  }
  return isJsonObject(parsed) ? undefined : "are not a JSON object";
}

/** Assembles and checks a whole `Complete` stream (see `CompletionAssembler`). */
export async function assembleCompletion(
  events: AsyncIterable<CompleteResponse> | Iterable<CompleteResponse>,
  options: CompletionAssemblerOptions = {},
): Promise<AssembledCompletion> {
  const assembler = new CompletionAssembler(options);
  for await (const event of events) assembler.push(event);
  return assembler.result();
}

