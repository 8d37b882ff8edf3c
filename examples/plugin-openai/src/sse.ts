// A Server-Sent Events parser, as the WHATWG HTML standard's "event stream interpretation" defines it:
// lines end in CRLF, LF or CR (also when a CRLF is split between two network chunks); `data:` lines of one
// event are joined with "\n"; one space after the colon is dropped; lines starting with ":" are comments;
// a blank line dispatches the event; a leading BOM is ignored.
//
// One deliberate leniency: when the stream ends right after a complete line but without the blank line
// that should follow, that last event is still delivered (some servers end with `data: [DONE]\n`). An
// unfinished line at the end is a cut connection and is dropped, never parsed as half an event.

/** One event. `event` is `"message"` unless the server named it with an `event:` line. */
export interface ServerSentEvent {
  readonly event: string;
  readonly data: string;
  /** The last `id:` seen so far in the stream, if any. */
  readonly id?: string;
  /** The reconnection time the server asked for with this event's `retry:` line, in ms. */
  readonly retry?: number;
}

/**
 * Turns text into events, one chunk at a time. `feed` returns the events the chunk completed; `end`
 * returns the last one, if the stream ended without its blank line.
 *
 * ```ts
 * const parser = new SseParser();
 * parser.feed('data: {"a":1}\r\n\r\ndata: [DO');   // [{ event: "message", data: '{"a":1}' }]
 * parser.feed("NE]\n\n");                          // [{ event: "message", data: "[DONE]" }]
 * ```
 */
export class SseParser {
  private partial = "";
  private skipLeadingLineFeed = false;
  private started = false;
  private data: string[] | undefined;
  private eventType = "";
  private lastId: string | undefined;
  private retry: number | undefined;

  feed(chunk: string): ServerSentEvent[] {
    const events: ServerSentEvent[] = [];
    let text = chunk;
    if (text === "") return events;
    // The second half of a CRLF that the previous chunk ended in the middle of.
    if (this.skipLeadingLineFeed) {
      this.skipLeadingLineFeed = false;
      if (text.startsWith("\n")) text = text.slice(1);
    }
    if (!this.started && text !== "") {
      this.started = true;
      if (text.startsWith("\uFEFF")) text = text.slice(1);
    }
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      const line = this.partial + text.slice(start, i);
      this.partial = "";
      this.line(line, events);
      if (c === 13) {
        if (i + 1 < text.length) {
          if (text.charCodeAt(i + 1) === 10) i++;
        } else {
          this.skipLeadingLineFeed = true;
        }
      }
      start = i + 1;
    }
    this.partial += text.slice(start);
    return events;
  }

  /** The stream ended: the last event if only its blank line was missing (an unfinished line is dropped). */
  end(): ServerSentEvent[] {
    const events: ServerSentEvent[] = [];
    if (this.partial === "") this.dispatch(events);
    this.partial = "";
    this.data = undefined;
    this.eventType = "";
    return events;
  }

  private line(line: string, events: ServerSentEvent[]): void {
    if (line === "") {
      this.dispatch(events);
      return;
    }
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    switch (field) {
      case "event":
        this.eventType = value;
        break;
      case "data":
        (this.data ??= []).push(value);
        break;
      case "id":
        if (!value.includes("\0")) this.lastId = value;
        break;
      case "retry":
        if (/^\d+$/.test(value)) this.retry = Number(value);
        break;
      default:
      // Unknown fields are ignored.
    }
  }

  private dispatch(events: ServerSentEvent[]): void {
    if (this.data !== undefined) {
      events.push({
        event: this.eventType === "" ? "message" : this.eventType,
        data: this.data.join("\n"),
        ...(this.lastId === undefined ? {} : { id: this.lastId }),
        ...(this.retry === undefined ? {} : { retry: this.retry }),
      });
    }
    this.data = undefined;
    this.eventType = "";
    this.retry = undefined;
  }
}

/** Reading the body failed (the connection dropped mid-stream): an upstream failure, not a parsing one. */
export class StreamReadError extends Error {
  constructor(cause: unknown) {
    super(`the response stream broke off: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "StreamReadError";
  }
}

/**
 * The events of an HTTP response body; a failed read throws `StreamReadError`. Stopping early (a `break` in `for await`) cancels the body, which
 * releases (or closes) the connection.
 */
export async function* parseSse(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder("utf-8");
  const parser = new SseParser();
  let complete = false;
  try {
    for (;;) {
      let step: Awaited<ReturnType<typeof reader.read>>;
      try {
        step = await reader.read();
      } catch (err) {
        throw new StreamReadError(err);
      }
      const { done, value } = step;
      if (done) break;
      yield* parser.feed(decoder.decode(value, { stream: true }));
    }
    yield* parser.feed(decoder.decode());
    yield* parser.end();
    complete = true;
  } finally {
    if (!complete) reader.cancel().catch(() => undefined);
  }
}
