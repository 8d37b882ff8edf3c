// The AgentPlatform side of the JSON API. Upstream's: the settings API (`GET …/settings`, `PUT
// …/settings/{plugin}`, `GET …/settings/{plugin}/options/{field}?q=`), view routes under
// `/api/v1/workspaces/{id}/views/{plugin}/…` (to HandleRoute) and the `stream` WebSocket (to HandleStream).
// Ours: the workspace and plugin status, RenderView as HCL or parsed JSON components, the chat endpoint
// (HTTP streaming of NDJSON, and a WebSocket) that runs the agent loop, and the stored conversations.
import websocket from "@fastify/websocket";
import { parse as parseHcl } from "@cdktf/hcl2json";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { AgentwireError, messageOf, stringifyJson } from "@agentwire/core";
import type { AgentPlatformEngine } from "./engine.js";
import type { ConversationEvent, ConversationRequest } from "./loop.js";

const settingsBody = {
  type: "object",
  additionalProperties: false,
  required: ["settings"],
  properties: { settings: { type: "object", additionalProperties: { type: ["string", "number", "boolean"] } } },
} as const;

const chatBody = {
  type: "object",
  additionalProperties: false,
  required: ["input"],
  properties: {
    input: { type: "string", minLength: 1 },
    agent: { type: "string" },
    history: { type: "array", items: { type: "object", additionalProperties: false, required: ["role", "content"], properties: { role: { type: "string" }, content: { type: "string" } } } },
  },
} as const;

type Params = { id: string; plugin: string; view: string; field: string; cid: string; "*": string };

/** A queue the WebSocket bridge writes and HandleStream's request stream reads. */
function pushable<T>() {
  const items: T[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  return {
    push(item: T) {
      items.push(item);
      wake?.();
    },
    end() {
      ended = true;
      wake?.();
    },
    async *[Symbol.asyncIterator]() {
      for (;;) {
        while (items.length > 0) yield items.shift()!;
        if (ended) return;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    },
  };
}

/** The routes, registered on the API's Fastify instance. `route` records each for `/api/health`. */
export async function registerAgentPlatformRoutes(app: FastifyInstance, engine: AgentPlatformEngine, route: (method: string, url: string) => void): Promise<void> {
  await app.register(websocket);
  const params = (req: FastifyRequest) => req.params as Params;

  route("GET", "/api/v1/workspaces");
  app.get("/api/v1/workspaces", async () => ({ workspaces: engine.workspaceViews() }));

  route("GET", "/api/v1/workspaces/{id}");
  app.get("/api/v1/workspaces/:id", async (req) => {
    const { id } = params(req);
    engine.get(id);
    return engine.workspaceViews().find((w) => w.id === id);
  });

  route("GET", "/api/v1/workspaces/{id}/settings");
  app.get("/api/v1/workspaces/:id/settings", async (req) => engine.settingsOf(params(req).id));

  route("PUT", "/api/v1/workspaces/{id}/settings/{plugin}");
  app.put("/api/v1/workspaces/:id/settings/:plugin", { schema: { body: settingsBody } }, async (req, reply) => {
    const { id, plugin } = params(req);
    const given = (req.body as { settings: Record<string, string | number | boolean> }).settings;
    const settings = Object.fromEntries(Object.entries(given).map(([k, v]) => [k, String(v)]));
    const { fields } = await engine.saveSettings(id, plugin, settings);
    if (fields) return reply.code(400).send({ error: "validation failed", fields });
    return { status: "saved" };
  });

  route("GET", "/api/v1/workspaces/{id}/settings/{plugin}/options/{field}");
  app.get("/api/v1/workspaces/:id/settings/:plugin/options/:field", async (req, reply) => {
    const { id, plugin, field } = params(req);
    const { plugins } = engine.get(id);
    const f = plugins.manifest(plugin)?.fields.find((x) => x.name === field);
    if (f === undefined) throw new AgentwireError("not_found", `plugin ${plugin} has no config field "${field}"`);
    if (typeof f.api_source !== "string") throw new AgentwireError("not_found", `field ${field} of plugin ${plugin} has no api_source; its options are in the schema`);
    const q = (req.query as { q?: string }).q ?? "";
    const url = new URL(f.api_source);
    url.searchParams.set("q", q);
    let answer: Response;
    try {
      answer = await fetch(url, { signal: AbortSignal.timeout(10_000), headers: { accept: "application/json" } });
    } catch (err) {
      return reply.code(502).send({ error: `the api_source of ${plugin}.${field} (${f.api_source}) did not answer: ${messageOf(err)}` });
    }
    const text = await answer.text();
    let options: unknown;
    try {
      options = JSON.parse(text);
    } catch {
      options = undefined;
    }
    if (!answer.ok || !Array.isArray(options) || !options.every((o) => typeof o === "object" && o !== null && "value" in o)) {
      return reply.code(502).send({
        error: `the api_source of ${plugin}.${field} (${f.api_source}) answered ${answer.status} ${!Array.isArray(options) ? "without a JSON list" : "with items lacking value"}; it must answer [{"value": ..., "label": ...}]`,
      });
    }
    return options as Array<{ value: unknown; label?: unknown }>;
  });

  route("GET", "/api/v1/workspaces/{id}/render/{plugin}/{view}");
  app.get("/api/v1/workspaces/:id/render/:plugin/:view", async (req, reply) => {
    const { id, plugin, view } = params(req);
    const { plugins } = engine.get(id);
    const { format, ...query } = req.query as Record<string, string>;
    const hcl = await plugins.call(plugin, "RenderView", () => plugins.driver(plugin).renderView({ viewName: view, workspaceId: id, params: query }));
    if (format === "hcl") return reply.type("text/plain; charset=utf-8").send(hcl);
    let components: unknown;
    try {
      components = await parseHcl(`${plugin}-${view}.hcl`, hcl);
    } catch (err) {
      throw new AgentwireError("internal", `plugin ${plugin}'s RenderView of ${view} is not valid HCL: ${messageOf(err)}`);
    }
    return { hcl, components };
  });

  // The view's stream: a WebSocket bridged to HandleStream, its first message the metadata.
  route("GET (WebSocket)", "/api/v1/workspaces/{id}/views/{plugin}/stream");
  app.get("/api/v1/workspaces/:id/views/:plugin/stream", { websocket: true }, (socket, req) => {
    const { id, plugin } = params(req);
    const fail = (message: string) => {
      socket.send(JSON.stringify({ type: "error", agent: "", error_message: message }));
      socket.close(1011, message.slice(0, 120));
    };
    let driver;
    try {
      engine.get(id);
      driver = engine.get(id).plugins.driver(plugin);
    } catch (err) {
      fail(messageOf(err));
      return;
    }
    const user = (req.query as { user_id?: string }).user_id ?? "local-user";
    const requests = pushable<{ data: Uint8Array; metadata: Record<string, string> }>();
    requests.push({ data: new Uint8Array(), metadata: { workspace_id: id, user_id: user, user_email: `${user}@localhost` } });
    const controller = new AbortController();
    socket.on("message", (data: Buffer) => requests.push({ data: new Uint8Array(data), metadata: {} }));
    socket.on("close", () => {
      requests.end();
      controller.abort();
    });
    void (async () => {
      try {
        for await (const message of driver.clients.views.handleStream(requests, { signal: controller.signal })) {
          socket.send(Buffer.from(message.data).toString("utf8"));
        }
        socket.close(1000);
      } catch (err) {
        if (!controller.signal.aborted) fail(`plugin ${plugin}'s HandleStream ended: ${messageOf(err)}`);
      }
    })();
  });

  // Everything else under the view goes to HandleRoute, body and all, as bytes.
  await app.register(async (views) => {
    views.removeAllContentTypeParsers();
    views.addContentTypeParser("*", { parseAs: "buffer" }, (_req, body, done) => done(null, body));
    route("ANY", "/api/v1/workspaces/{id}/views/{plugin}/…");
    views.all("/api/v1/workspaces/:id/views/:plugin/*", async (req, reply) => {
      const { id, plugin } = params(req);
      const { plugins } = engine.get(id);
      const path = `/${params(req)["*"]}`;
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) {
        if (v === undefined || k === "authorization" || k === "host") continue;
        headers[k] = Array.isArray(v) ? v.join(", ") : v;
      }
      const query = Object.fromEntries(Object.entries(req.query as Record<string, string | string[]>).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : v]));
      const body = Buffer.isBuffer(req.body) ? new Uint8Array(req.body) : new Uint8Array();
      const answer = await plugins.call(plugin, "HandleRoute", () => plugins.driver(plugin).route({ method: req.method, path, body, headers: { ...headers, "x-workspace-id": id }, query: { ...query, workspace_id: id } }));
      reply.code(answer.status || 200);
      for (const [k, v] of Object.entries(answer.headers)) reply.header(k, v);
      return reply.send(Buffer.from(answer.body));
    });
  });

  // The chat: the agent loop for one user message, streamed.
  const chatRequest = (req: FastifyRequest): ConversationRequest => {
    const body = req.body as { input: string; agent?: string; history?: Array<{ role: string; content: string }> };
    return { input: body.input, ...(body.agent ? { agent: body.agent } : {}), ...(body.history ? { history: body.history } : {}) };
  };

  route("POST", "/api/v1/workspaces/{id}/chat");
  app.post("/api/v1/workspaces/:id/chat", { schema: { body: chatBody } }, async (req: FastifyRequest, reply: FastifyReply) => {
    const loaded = engine.get(params(req).id);
    const request = chatRequest(req);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-store" });
    const controller = new AbortController();
    res.on("close", () => controller.abort());
    const id = await engine.converse(loaded, request, "chat", (e: ConversationEvent) => res.write(`${stringifyJson(e)}\n`), controller.signal);
    res.end(`${JSON.stringify({ type: "conversation", id })}\n`);
  });

  route("GET (WebSocket)", "/api/v1/workspaces/{id}/chat");
  app.get("/api/v1/workspaces/:id/chat", { websocket: true }, (socket, req) => {
    const { id } = params(req);
    let loaded: ReturnType<AgentPlatformEngine["get"]>;
    try {
      loaded = engine.get(id);
    } catch (err) {
      socket.send(JSON.stringify({ type: "error", agent: "", error_message: messageOf(err) }));
      socket.close(1011);
      return;
    }
    const controller = new AbortController();
    socket.on("close", () => controller.abort());
    const history: Array<{ role: string; content: string }> = [];
    let chain = Promise.resolve();
    socket.on("message", (data: Buffer) => {
      chain = chain.then(async () => {
        let input = data.toString("utf8").trim();
        try {
          const parsed = JSON.parse(input) as { input?: unknown };
          if (typeof parsed === "object" && parsed !== null && typeof parsed.input === "string") input = parsed.input.trim();
        } catch {
          // plain text
        }
        if (input === "") {
          socket.send(JSON.stringify({ type: "error", agent: "", error_message: 'the message is empty: send text, or JSON like {"input": "..."}' }));
          return;
        }
        let reply = "";
        const conversation = await engine.converse(loaded, { input, history: [...history] }, "chat", (e) => {
          if (e.type === "content") reply += e.content ?? "";
          socket.send(stringifyJson(e) ?? "{}");
        }, controller.signal);
        history.push({ role: "user", content: input }, { role: "assistant", content: reply });
        socket.send(JSON.stringify({ type: "conversation", id: conversation }));
      });
    });
  });

  route("GET", "/api/v1/workspaces/{id}/conversations");
  app.get("/api/v1/workspaces/:id/conversations", async (req) => ({ conversations: engine.conversations(params(req).id) }));

  route("GET", "/api/v1/workspaces/{id}/conversations/{cid}");
  app.get("/api/v1/workspaces/:id/conversations/:cid", async (req) => engine.conversation(params(req).id, params(req).cid));
}
