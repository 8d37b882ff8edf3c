// The SSE parser against the WHATWG event-stream rules, fed every way a network can cut a stream.
import { describe, expect, it } from "vitest";
import { parseSse, SseParser, StreamReadError, type ServerSentEvent } from "../src/index.js";

/** Feeds `text` cut into `size`-character pieces and returns every event, including the one `end` gives. */
function parse(text: string, size = text.length): ServerSentEvent[] {
  const parser = new SseParser();
  const events: ServerSentEvent[] = [];
  for (let at = 0; at < text.length; at += size) events.push(...parser.feed(text.slice(at, at + size)));
  events.push(...parser.end());
  return events;
}

function streamOf(pieces: readonly Uint8Array[], failWith?: Error): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const piece = pieces[i++];
      if (piece !== undefined) controller.enqueue(piece);
      else if (failWith !== undefined) controller.error(failWith);
      else controller.close();
    },
  });
}

describe("SseParser", () => {
  const stream = 'data: {"a":1}\n\ndata: [DONE]\n\n';

  it("dispatches an event per blank line", () => {
    expect(parse(stream)).toEqual([
      { event: "message", data: '{"a":1}' },
      { event: "message", data: "[DONE]" },
    ]);
  });

  it.each([1, 2, 3, 5, 8])("gives the same events whatever the piece size (%i)", (size) => {
    expect(parse(stream, size)).toEqual(parse(stream));
    const crlf = stream.replaceAll("\n", "\r\n");
    expect(parse(crlf, size)).toEqual(parse(stream));
  });

  it("accepts CRLF, LF and lone CR line endings, mixed", () => {
    expect(parse("data: a\r\n\r\ndata: b\r\rdata: c\n\ndata: d\r\n\n")).toEqual(["a", "b", "c", "d"].map((data) => ({ event: "message", data })));
  });

  it("treats a CRLF split between two pieces as one line ending", () => {
    const parser = new SseParser();
    expect(parser.feed("data: a\r")).toEqual([]);
    expect(parser.feed("\ndata: b\r")).toEqual([]);
    // Had the \n counted as a second line ending, "a" would have been dispatched already, and alone.
    expect(parser.feed("\n\r\n")).toEqual([{ event: "message", data: "a\nb" }]);
  });

  it("joins multi-line data with \\n and keeps empty data lines", () => {
    expect(parse("data: first\ndata:second\ndata\ndata: \n\n")).toEqual([{ event: "message", data: "first\nsecond\n\n" }]);
  });

  it("drops only one space after the colon", () => {
    expect(parse("data:  two spaces\n\n")).toEqual([{ event: "message", data: " two spaces" }]);
  });

  it("ignores comments and unknown fields, and does not dispatch an event without data", () => {
    expect(parse(": keep-alive\n\n:OPENROUTER PROCESSING\nfoo: bar\n\nevent: ping\n\ndata: x\n\n")).toEqual([{ event: "message", data: "x" }]);
  });

  it("keeps the event type, the last id and retry", () => {
    expect(parse("event: error\nid: 7\nretry: 3000\ndata: {}\n\ndata: y\n\n")).toEqual([
      { event: "error", id: "7", retry: 3000, data: "{}" },
      { event: "message", id: "7", data: "y" },
    ]);
  });

  it("strips a leading byte-order mark", () => {
    expect(parse("\uFEFFdata: x\n\n")).toEqual([{ event: "message", data: "x" }]);
  });

  it("delivers a last event whose blank line never came, but drops an unfinished line", () => {
    expect(parse("data: [DONE]\n")).toEqual([{ event: "message", data: "[DONE]" }]);
    expect(parse('data: {"a":1}\n\ndata: {"cho')).toEqual([{ event: "message", data: '{"a":1}' }]);
  });
});

describe("parseSse", () => {
  it("decodes UTF-8 split inside a character", async () => {
    const bytes = Buffer.from("data: Grüße 世界\n\n", "utf8");
    const pieces = Array.from(bytes, (b) => Uint8Array.of(b));
    const events: ServerSentEvent[] = [];
    for await (const event of parseSse(streamOf(pieces))) events.push(event);
    expect(events).toEqual([{ event: "message", data: "Grüße 世界" }]);
  });

  it("cancels the body when the reader stops early", async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(Buffer.from("data: 1\n\ndata: 2\n\n"));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const event of parseSse(body)) {
      expect(event.data).toBe("1");
      break;
    }
    expect(cancelled).toBe(true);
  });

  it("reports a broken connection as StreamReadError", async () => {
    const events: string[] = [];
    const failure = (async () => {
      for await (const event of parseSse(streamOf([Buffer.from("data: 1\n\n")], new Error("other side closed")))) events.push(event.data);
    })();
    await expect(failure).rejects.toThrow(StreamReadError);
    await expect(failure).rejects.toThrow("the response stream broke off: other side closed");
    expect(events).toEqual(["1"]);
  });
});
