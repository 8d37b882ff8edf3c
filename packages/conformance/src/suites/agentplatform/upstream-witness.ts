// The cancel check's witness: a local HTTP server standing in for a plugin's paid upstream (an
// OpenAI-compatible `chat/completions` endpoint). It answers every request with one streamed chunk and then
// holds the response open, so the only way the request ends is the plugin closing it; it records when each
// request arrives and when its connection closes. That close is what proves, from outside the plugin, that
// cancelling a Complete made the plugin stop its upstream work.
import { createServer, type Server } from "node:http";

/** The placeholder a cases file's `cancelUpstream.config` values use for the witness's base URL. */
export const UPSTREAM_PLACEHOLDER = "{{upstream}}";

/** One request the witness received. */
export interface WitnessRequest {
  readonly method: string;
  readonly path: string;
  /** Resolves when the plugin closed (or aborted) the request. */
  readonly closed: Promise<void>;
  isClosed(): boolean;
}

export interface UpstreamWitness {
  /** `http://127.0.0.1:<port>/v1`: what replaces `{{upstream}}`. */
  readonly baseUrl: string;
  /** Every request so far, in order. */
  readonly requests: readonly WitnessRequest[];
  /** Resolves with the next request to arrive. */
  nextRequest(): Promise<WitnessRequest>;
  close(): Promise<void>;
}

/** The first (and only) chunk: what an OpenAI-compatible stream starts with. */
const firstChunk = `data: ${JSON.stringify({
  id: "agentwire-conformance",
  object: "chat.completion.chunk",
  created: 0,
  model: "agentwire-conformance",
  choices: [{ index: 0, delta: { role: "assistant", content: "agentwire-conformance" }, finish_reason: null }],
})}\n\n`;

export async function startUpstreamWitness(): Promise<UpstreamWitness> {
  const requests: WitnessRequest[] = [];
  let waiters: Array<(r: WitnessRequest) => void> = [];
  const server: Server = createServer((req, res) => {
    let closedFlag = false;
    const closed = new Promise<void>((resolve) => {
      res.once("close", () => {
        closedFlag = true;
        resolve();
      });
    });
    const entry: WitnessRequest = { method: req.method ?? "", path: req.url ?? "", closed, isClosed: () => closedFlag };
    requests.push(entry);
    req.resume();
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    res.write(firstChunk);
    const ready = waiters;
    waiters = [];
    for (const w of ready) w(entry);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  server.unref();
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    nextRequest: () => new Promise((resolve) => waiters.push(resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** `config` with every `{{upstream}}` replaced by the witness's base URL. */
export function withUpstream(config: Readonly<Record<string, string | number | boolean>>, baseUrl: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) out[k] = String(v).split(UPSTREAM_PLACEHOLDER).join(baseUrl);
  return out;
}
