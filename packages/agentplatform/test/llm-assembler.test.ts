// The stream assembler a host (and every LLM test) uses: it puts a Complete stream together and names the
// event and the rule when a stream breaks the contract.
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { CompleteResponseSchema, FinishReason, type CompleteResponse } from "../src/gen/agentplatform/v1/llm_pb.js";
import { assembleCompletion, CompletionAssembler, CompletionStreamViolation } from "../src/testing/index.js";

const text = (content: string) => create(CompleteResponseSchema, { event: { case: "delta", value: { content } } });
const call = (id: string, name: string, argumentsChunk: string) =>
  create(CompleteResponseSchema, { event: { case: "toolCallDelta", value: { id, name, argumentsChunk } } });
const usage = (inputTokens: number, outputTokens: number) => create(CompleteResponseSchema, { event: { case: "usage", value: { inputTokens, outputTokens } } });
const finish = (reason: FinishReason) => create(CompleteResponseSchema, { event: { case: "finish", value: { reason } } });
const empty = () => create(CompleteResponseSchema, {});

async function violation(events: CompleteResponse[], options = {}): Promise<CompletionStreamViolation> {
  try {
    await assembleCompletion(events, options);
  } catch (err) {
    if (err instanceof CompletionStreamViolation) return err;
    throw err;
  }
  throw new Error("expected a violation, the stream was accepted");
}

describe("CompletionAssembler", () => {
  it("assembles text, interleaved tool calls, usage and the finish", async () => {
    const events = [
      text("Let me "),
      text("check."),
      call("a", "get_weather", ""),
      call("a", "", '{"city":'),
      call("b", "get_time", "{}"),
      call("a", "", '"Paris"}'),
      usage(31, 9),
      finish(FinishReason.TOOL_USE),
    ];
    const result = await assembleCompletion(events);
    expect(result).toEqual({
      text: "Let me check.",
      toolCalls: [
        { id: "a", name: "get_weather", arguments: '{"city":"Paris"}' },
        { id: "b", name: "get_time", arguments: "{}" },
      ],
      usage: { inputTokens: 31, outputTokens: 9 },
      finishReason: FinishReason.TOOL_USE,
      events,
    });
  });

  it("has no usage when the stream sent none, and reads empty arguments as {}", async () => {
    expect(await assembleCompletion([text("hi"), finish(FinishReason.STOP)])).toMatchObject({ usage: undefined, finishReason: FinishReason.STOP });
    expect((await assembleCompletion([call("a", "now", ""), finish(FinishReason.TOOL_USE)])).toolCalls).toEqual([{ id: "a", name: "now", arguments: "" }]);
  });

  it("tracks events and finished as it goes, and refuses nothing it already kept", () => {
    const assembler = new CompletionAssembler();
    assembler.push(text("a"));
    expect(() => assembler.push(usage(-1, 0))).toThrow(CompletionStreamViolation);
    expect(assembler.events).toHaveLength(1);
    assembler.push(finish(FinishReason.STOP));
    expect(assembler.finished).toBe(true);
    expect(assembler.result().text).toBe("a");
  });

  const violations: [string, CompleteResponse[], number, string][] = [
    ["an empty event", [text("a"), empty()], 1, "event #1 (empty): an event with none of delta, tool_call_delta, usage or finish set"],
    ["an event after the finish", [finish(FinishReason.STOP), text("late")], 1, "event #1 (delta): an event after the finish (STOP): the finish must be the last event"],
    ["a second finish", [finish(FinishReason.STOP), finish(FinishReason.STOP)], 1, "an event after the finish (STOP)"],
    ["usage after the finish", [finish(FinishReason.STOP), usage(1, 1)], 1, "event #1 (usage): an event after the finish"],
    ["a tool-call delta without an id", [call("", "x", "{}")], 0, "a tool-call delta without an id: every delta must carry its call's id"],
    ["a first delta without a name", [call("a", "", "{}")], 0, 'the first delta of tool call "a" has no name'],
    ["a name on a later delta", [call("a", "x", ""), call("a", "x", "{}")], 1, 'tool call "a" repeats its name ("x") on a later delta: the name goes on the first delta only'],
    ["two usages", [usage(1, 1), usage(1, 1)], 1, "a second usage event"],
    ["negative usage", [usage(-3, 1)], 0, "negative token counts (-3, 1)"],
    ["an UNSPECIFIED finish", [finish(FinishReason.FINISH_REASON_UNSPECIFIED)], 0, "finish reason FINISH_REASON_UNSPECIFIED is not STOP, TOOL_USE or MAX_TOKENS"],
    ["an unknown finish reason", [finish(9 as FinishReason)], 0, "finish reason 9 is not STOP, TOOL_USE or MAX_TOKENS"],
    ["TOOL_USE without tool calls", [text("a"), finish(FinishReason.TOOL_USE)], 1, "TOOL_USE without any tool call"],
    ["STOP after tool calls", [call("a", "x", "{}"), finish(FinishReason.STOP)], 1, 'STOP after 1 tool call(s) ("a"): a stream with tool calls finishes with TOOL_USE'],
    ["arguments that are not JSON", [call("a", "x", '{"q":'), finish(FinishReason.TOOL_USE)], 1, 'tool call "a" (x): the arguments are not valid JSON'],
    ["arguments that are not an object", [call("a", "x", "[1]"), finish(FinishReason.TOOL_USE)], 1, 'tool call "a" (x): the arguments are not a JSON object: "[1]"'],
    ["no finish", [text("a"), usage(1, 2)], 2, "the stream ended after 2 event(s) without a finish: exactly one finish must end it"],
  ];
  for (const [name, events, index, message] of violations) {
    it(`refuses ${name}`, async () => {
      const err = await violation(events);
      expect(err.message).toContain(message);
      expect(err.message).toMatch(/^Complete stream violation/);
      expect(err.index).toBe(index);
      expect(err.event).toBe(events[index]);
    });
  }

  it("leaves argument JSON alone when told to, and always for MAX_TOKENS", async () => {
    const bad = [call("a", "x", '{"q":'), finish(FinishReason.TOOL_USE)];
    expect((await assembleCompletion(bad, { requireJsonArguments: false })).toolCalls[0]!.arguments).toBe('{"q":');
    expect((await assembleCompletion([call("a", "x", '{"q":'), finish(FinishReason.MAX_TOKENS)])).finishReason).toBe(FinishReason.MAX_TOKENS);
  });
});
