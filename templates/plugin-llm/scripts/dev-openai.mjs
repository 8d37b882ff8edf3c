#!/usr/bin/env node
// A small, real OpenAI-compatible Chat Completions server for development, tests and `npm run conformance`.
// It is not a model: it answers deterministically, so tests can say what they expect.
//
//   POST <base>/chat/completions   (base is http://127.0.0.1:<port>/v1)
//   - the `authorization: Bearer <key>` header must carry the server's key (DEV_OPENAI_API_KEY, default
//     "dev-key"); anything else is answered 401 {"error": {"message": "Incorrect API key provided: <key>"}},
//     echoing the key as OpenAI does (the plugin must keep it out of its errors);
//   - `model` and a non-empty `messages` are required (400 otherwise);
//   - the answer is streamed as Server-Sent Events (`stream: true`) or sent whole (`stream: false`):
//       * the last message is a user message that names one of the offered `tools`: a call of that tool, with
//         the first JSON object in the message as its arguments (`{}` without one), finish_reason "tool_calls";
//       * the last message is a tool result: "The <tool> tool answered: <content>";
//       * otherwise: "Echo: <the last user message>";
//     one word per chunk; `max_tokens` cuts the words (finish_reason "length"); the usage counts words;
//   - the model "dev-fail" is answered 503, and "dev-cut" drops the connection after the first word, to try
//     upstream failures.
//
// Run it alone:            node scripts/dev-openai.mjs                       (prints its URL; DEV_OPENAI_PORT picks the port)
// Or around the plugin:    node scripts/dev-openai.mjs -- node dist/main.js  (the command gets OPENAI_BASE_URL and
//                          OPENAI_API_KEY pointing here; SIGTERM/SIGINT are passed on, and its exit code is ours)
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** @typedef {{ role?: string, content?: string | null, tool_call_id?: string, tool_calls?: { function?: { name?: string } }[] }} ChatMessage */

function send(res, status, body) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function fail(res, status, message, type = "invalid_request_error") {
  send(res, status, { error: { message, type } });
}

/** The first balanced `{...}` in `text` that parses as a JSON object, as a string; `{}` when there is none. */
function firstJsonObject(text) {
  for (let start = text.indexOf("{"); start !== -1; start = text.indexOf("{", start + 1)) {
    for (let end = text.lastIndexOf("}"); end > start; end = text.lastIndexOf("}", end - 1)) {
      try {
        const value = JSON.parse(text.slice(start, end + 1));
        if (typeof value === "object" && value !== null && !Array.isArray(value)) return JSON.stringify(value);
      } catch {
        // try a shorter span
      }
    }
  }
  return "{}";
}

/** What the "model" answers: text words, or one tool call. */
function answer(body) {
  /** @type {ChatMessage[]} */
  const messages = body.messages;
  const last = messages[messages.length - 1] ?? {};
  const tools = Array.isArray(body.tools) ? body.tools.map((t) => t?.function?.name).filter((n) => typeof n === "string") : [];
  if (last.role === "tool") {
    // Find the tool's name from the assistant message that made the call.
    const call = messages.flatMap((m) => m.tool_calls ?? []).find((c) => c.id === last.tool_call_id);
    return { text: `The ${call?.function?.name ?? "tool"} tool answered: ${String(last.content ?? "")}` };
  }
  const said = String(last.content ?? "");
  const tool = last.role === "user" ? tools.find((name) => said.includes(name)) : undefined;
  if (tool !== undefined) return { toolCall: { name: tool, arguments: firstJsonObject(said) } };
  return { text: `Echo: ${said}` };
}

function words(text) {
  return text.split(/(?<= )/);
}

async function readJson(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

/**
 * Starts the server on 127.0.0.1. `port` 0 (the default) picks a free one.
 * @param {{ port?: number, apiKey?: string }} [options]
 * @returns {Promise<{ url: string, port: number, apiKey: string, requests: unknown[], close(): Promise<void> }>}
 */
export async function startDevOpenAI(options = {}) {
  const apiKey = options.apiKey ?? process.env.DEV_OPENAI_API_KEY ?? "dev-key";
  /** Every request body received, for tests that check what the plugin sent. */
  const requests = [];
  let sequence = 0;
  const server = createServer(async (req, res) => {
    try {
      if (req.method !== "POST" || !(req.url ?? "").endsWith("/chat/completions")) return fail(res, 404, `no route ${req.method} ${req.url}`);
      const key = (req.headers.authorization ?? "").replace(/^Bearer /, "");
      if (key !== apiKey) return fail(res, 401, `Incorrect API key provided: ${key}`);
      let body;
      try {
        body = await readJson(req);
      } catch {
        return fail(res, 400, "the body is not JSON");
      }
      requests.push(body);
      if (typeof body?.model !== "string" || body.model === "") return fail(res, 400, "you must provide a model parameter");
      if (!Array.isArray(body.messages) || body.messages.length === 0) return fail(res, 400, "messages: must be a non-empty array");
      if (body.model === "dev-fail") return fail(res, 503, "the dev server was asked to fail (model dev-fail)", "server_error");

      const id = `chatcmpl-dev-${++sequence}`;
      const reply = answer(body);
      const all = reply.text === undefined ? [] : words(reply.text);
      const limit = Number.isInteger(body.max_tokens) && body.max_tokens > 0 ? body.max_tokens : Infinity;
      const sent = all.slice(0, limit);
      const finish = reply.toolCall ? "tool_calls" : sent.length < all.length ? "length" : "stop";
      const inputTokens = body.messages.reduce((n, m) => n + words(String(m.content ?? "")).length, 0);
      const usage = { prompt_tokens: inputTokens, completion_tokens: reply.toolCall ? 1 : sent.length, total_tokens: 0 };
      usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
      const callId = `call_dev_${sequence}`;

      if (body.stream !== true) {
        const message = reply.toolCall
          ? { role: "assistant", content: null, tool_calls: [{ id: callId, type: "function", function: reply.toolCall }] }
          : { role: "assistant", content: sent.join("") };
        return send(res, 200, { id, object: "chat.completion", model: body.model, choices: [{ index: 0, message, finish_reason: finish }], usage });
      }

      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
      const chunk = (delta, finishReason = null, extra = {}) =>
        res.write(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", model: body.model, choices: [{ index: 0, delta, finish_reason: finishReason }], ...extra })}\n\n`);
      chunk({ role: "assistant", content: "" });
      if (reply.toolCall) {
        // As OpenAI streams a call: id and name first, then the arguments in pieces, keyed by index.
        const args = reply.toolCall.arguments;
        const half = Math.ceil(args.length / 2);
        chunk({ tool_calls: [{ index: 0, id: callId, type: "function", function: { name: reply.toolCall.name, arguments: "" } }] });
        chunk({ tool_calls: [{ index: 0, function: { arguments: args.slice(0, half) } }] });
        chunk({ tool_calls: [{ index: 0, function: { arguments: args.slice(half) } }] });
      } else {
        for (const word of sent) {
          if (res.destroyed) return; // the client went away (a cancelled completion)
          chunk({ content: word });
          if (body.model === "dev-cut") {
            // A connection lost mid-stream: once what was written is out, close the socket without ending the response.
            await new Promise((resolve) => res.write(": cut\n\n", resolve));
            return void res.socket?.destroy();
          }
        }
      }
      chunk({}, finish);
      if (body.stream_options?.include_usage === true) res.write(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", model: body.model, choices: [], usage })}\n\n`);
      res.end("data: [DONE]\n\n");
    } catch (err) {
      if (!res.headersSent) fail(res, 500, `dev server error: ${err instanceof Error ? err.message : String(err)}`, "server_error");
      else res.destroy();
    }
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve(undefined));
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    apiKey,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve(undefined));
      }),
  };
}

// Run as a program: serve, and optionally run a command (after `--`) pointed at this server. realpath:
// import.meta.url is the real path, argv[1] may go through a symlink (macOS's /tmp).
if (process.argv[1] && fileURLToPath(import.meta.url) === realpathSync(process.argv[1])) {
  const dev = await startDevOpenAI({ port: Number(process.env.DEV_OPENAI_PORT ?? 0) });
  console.error(`dev OpenAI-compatible server listening on ${dev.url} (API key ${JSON.stringify(dev.apiKey)})`);
  const dash = process.argv.indexOf("--");
  const command = dash === -1 ? [] : process.argv.slice(dash + 1);
  if (command.length === 0) {
    const stop = () => void dev.close().then(() => process.exit(0));
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  } else {
    const child = spawn(command[0], command.slice(1), {
      stdio: "inherit",
      env: { ...process.env, OPENAI_BASE_URL: dev.url, OPENAI_API_KEY: dev.apiKey },
    });
    for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => child.kill(signal));
    child.on("exit", (code, signal) => void dev.close().then(() => process.exit(code ?? (signal ? 1 : 0))));
  }
}
