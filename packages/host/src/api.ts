// The host's JSON API (Fastify 5, its routes' JSON Schemas checked by its Ajv). It can start processes and
// reads credentials, so it is not open to whatever reaches the port (MCP's Inspector learned this as
// CVE-2025-49596): it binds loopback unless told otherwise, every request needs `Authorization: Bearer
// <token>`, a request whose Host is not the API's own is refused (DNS rebinding), and so is a browser request
// from another Origin. Each refusal says which of these failed. Bad input is a 400 naming the field,
// an unknown id a 404, and nothing is half-applied.
import { timingSafeEqual } from "node:crypto";
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { AgentwireError, exactNumbers, httpStatusForCode, isJsonObject, parseJson, stringifyJson } from "@agentwire/core";
import type { AgentPlatformEngine } from "./agentplatform/engine.js";
import { registerAgentPlatformRoutes } from "./agentplatform/routes.js";
import type { ActiveWorkflowEngine } from "./aw-engine.js";
import { parseDuration } from "./config.js";
import type { EventBus, HostEvent } from "./events.js";
import type { FlyteEngine, SubmitTaskRequest } from "./flyte-engine.js";
import type { SupervisedStatus } from "./supervisor.js";

/** What the API serves. */
export interface ApiOptions {
  host: string;
  port: number;
  token: string;
  flyte: FlyteEngine;
  activeworkflow: ActiveWorkflowEngine;
  agentplatform: AgentPlatformEngine;
  events: EventBus;
  health: () => Record<string, unknown>;
  processes: () => SupervisedStatus[];
}

const typeNames = { type: "object", additionalProperties: { type: "string" } } as const;

const submitTaskBody = {
  type: "object",
  additionalProperties: false,
  required: ["taskType"],
  properties: {
    taskType: { type: "string", minLength: 1 },
    version: { type: "integer", minimum: 0 },
    inputs: { type: "object" },
    interface: { type: "object", additionalProperties: false, properties: { inputs: typeNames, outputs: typeNames } },
    custom: { type: "object" },
    timeout: { type: ["string", "number"] },
  },
} as const;

const createInstanceBody = {
  type: "object",
  additionalProperties: false,
  required: ["name", "type"],
  properties: {
    name: { type: "string", minLength: 1, maxLength: 200 },
    type: { type: "string", minLength: 1 },
    options: { type: "object" },
    credentials: { type: "object", additionalProperties: { type: "string" } },
    schedule: { type: "string" },
  },
} as const;

const messageBody = { type: "object", additionalProperties: false, required: ["payload"], properties: { payload: { type: "object" } } } as const;

/** The status for an error code; a conflict with the current state is 409 here. */
function statusFor(err: AgentwireError): number {
  return err.code === "failed_precondition" ? 409 : httpStatusForCode[err.code];
}

function fieldOf(err: AgentwireError): string | undefined {
  const details = err.details as { field?: unknown } | undefined;
  return typeof details?.field === "string" ? details.field : undefined;
}

/** A Fastify schema error as `{ error, field }`: the field by its path in the body (or query). */
function validationError(error: FastifyError): { error: string; field: string } {
  const [first] = error.validation ?? [];
  const where = error.validationContext ?? "body";
  if (first === undefined) return { error: error.message, field: where };
  const params = first.params;
  const path = first.instancePath.split("/").slice(1).join(".");
  const join = (key: string) => (path === "" ? key : `${path}.${key}`);
  if (first.keyword === "required") {
    const field = join(String(params.missingProperty));
    return { error: `${field}: required`, field };
  }
  if (first.keyword === "additionalProperties") {
    const field = join(String(params.additionalProperty));
    return { error: `${field}: not a known field`, field };
  }
  const field = path === "" ? where : path;
  return { error: `${field}: ${first.message ?? first.keyword}`, field };
}

function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

const loopbackNames = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/** Starts the API; resolves with its URL once it listens. */
export async function startApi(options: ApiOptions): Promise<{ url: string; app: FastifyInstance; close: () => Promise<void> }> {
  const app = Fastify({
    logger: false,
    bodyLimit: 8 * 1024 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false, allowUnionTypes: true } },
  });
  const openStreams = new Set<() => void>();

  // Numbers kept exact (an id past 2^53 stays a bigint), as everywhere in agentwire.
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => {
    const text = String(body);
    if (text.trim() === "") return done(null, undefined);
    try {
      done(null, exactNumbers(parseJson(text)));
    } catch (err) {
      const error = new AgentwireError("invalid_argument", `the body is not valid JSON (${(err as Error).message}); send a JSON object`, { details: { field: "body" } });
      done(error, undefined);
    }
  });
  app.setReplySerializer((payload) => stringifyJson(payload) ?? "null");

  let allowedOrigins: Set<string> = new Set();
  let allowedHosts: Set<string> = new Set();
  const bindsLoopback = loopbackNames.has(options.host);

  app.addHook("onRequest", async (request: FastifyRequest, reply: FastifyReply) => {
    const host = request.headers.host ?? "";
    if (bindsLoopback && !allowedHosts.has(host)) {
      return reply.code(403).send({ error: `refused: Host ${JSON.stringify(host)} is not this API's address (${[...allowedHosts].join(" or ")}); a page on another name cannot reach the host through DNS rebinding`, check: "host" });
    }
    const origin = request.headers.origin;
    if (origin !== undefined && !allowedOrigins.has(origin)) {
      return reply.code(403).send({ error: `refused: Origin ${origin} is not this API's own (${[...allowedOrigins][0]}); a browser page from another site may not call the host`, check: "origin" });
    }
    const auth = request.headers.authorization ?? "";
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    if (m === null) {
      reply.header("www-authenticate", 'Bearer realm="agentwire-host"');
      return reply.code(401).send({
        error: `refused: ${auth === "" ? "no Authorization header" : "the Authorization header is not Bearer <token>"}; send Authorization: Bearer <token> with the token agentwire-host printed at start (or AGENTWIRE_HOST_TOKEN)`,
        check: "token",
      });
    }
    if (!sameToken(m[1]!, options.token)) {
      reply.header("www-authenticate", 'Bearer realm="agentwire-host", error="invalid_token"');
      return reply.code(401).send({ error: "refused: the bearer token is not this host's; use the token agentwire-host printed at start (written to its state directory, or AGENTWIRE_HOST_TOKEN)", check: "token" });
    }
  });

  app.setErrorHandler((error: FastifyError, _request, reply) => {
    if (error.validation) return reply.code(400).send(validationError(error));
    const known: unknown = error;
    if (known instanceof AgentwireError) {
      const field = fieldOf(known);
      return reply.code(statusFor(known)).send({ error: known.message, ...(field ? { field } : {}) });
    }
    if (error.statusCode === 415) return reply.code(415).send({ error: `${error.message}; send Content-Type: application/json` });
    if (typeof error.statusCode === "number" && error.statusCode < 500) return reply.code(error.statusCode).send({ error: error.message });
    return reply.code(500).send({ error: `internal error: ${error.message}` });
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ error: `no route ${request.method} ${request.url.split("?")[0]}; GET /api/health lists the routes` });
  });

  const routes: string[] = [];
  const route = (method: string, url: string) => routes.push(`${method} ${url}`);

  route("GET", "/api/health");
  app.get("/api/health", async () => ({ status: "ok", ...options.health(), processes: options.processes(), routes }));

  route("GET", "/api/events");
  app.get("/api/events", (request, reply) => {
    const last = Number(request.headers["last-event-id"] ?? (request.query as { after?: string }).after ?? 0);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", connection: "keep-alive", "x-accel-buffering": "no" });
    const send = (e: HostEvent) => res.write(`id: ${e.seq}\nevent: ${e.kind}\ndata: ${stringifyJson(e)}\n\n`);
    res.write("retry: 2000\n\n");
    for (const e of options.events.since(Number.isFinite(last) ? last : 0)) send(e);
    const unsubscribe = options.events.subscribe(send);
    const heartbeat = setInterval(() => res.write(": keep-alive\n\n"), 15_000);
    const end = () => {
      clearInterval(heartbeat);
      unsubscribe();
      openStreams.delete(end);
      res.end();
    };
    openStreams.add(end);
    request.raw.on("close", end);
  });

  // Flyte
  route("GET", "/api/flyte/agents");
  app.get("/api/flyte/agents", async () => ({ agents: options.flyte.agents(), connectors: options.flyte.connectorStates() }));

  route("POST", "/api/flyte/tasks");
  app.post("/api/flyte/tasks", { schema: { body: submitTaskBody } }, async (request, reply) => {
    const body = request.body as Omit<SubmitTaskRequest, "timeoutMs"> & { timeout?: string | number };
    let timeoutMs: number | undefined;
    if (body.timeout !== undefined) {
      timeoutMs = typeof body.timeout === "number" ? body.timeout * 1000 : parseDuration(body.timeout);
      if (timeoutMs === undefined || !(timeoutMs > 0)) {
        throw new AgentwireError("invalid_argument", `timeout: expected a duration such as "30s" or "2m", or a number of seconds greater than 0; got ${JSON.stringify(body.timeout)}`, { details: { field: "timeout" } });
      }
    }
    const { timeout: _timeout, ...rest } = body;
    const created = options.flyte.submit({ ...rest, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
    return reply.code(201).header("location", `/api/flyte/tasks/${created.id}`).send(created);
  });

  route("GET", "/api/flyte/tasks");
  app.get("/api/flyte/tasks", async (request) => {
    const q = request.query as { phase?: string; taskType?: string; limit?: string };
    const limit = q.limit === undefined ? 100 : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new AgentwireError("invalid_argument", `limit: expected a whole number from 1 to 10000, got ${JSON.stringify(q.limit)}`, { details: { field: "limit" } });
    return { tasks: options.flyte.list({ ...(q.phase ? { phase: q.phase.toUpperCase() } : {}), ...(q.taskType ? { taskType: q.taskType } : {}), limit }) };
  });

  route("GET", "/api/flyte/tasks/{id}");
  app.get("/api/flyte/tasks/:id", async (request) => options.flyte.get((request.params as { id: string }).id));

  route("DELETE", "/api/flyte/tasks/{id}");
  app.delete("/api/flyte/tasks/:id", async (request, reply) => reply.code(202).send(options.flyte.abort((request.params as { id: string }).id)));

  // ActiveWorkflow
  route("GET", "/api/activeworkflow/agents");
  app.get("/api/activeworkflow/agents", async () => ({ agents: options.activeworkflow.agentViews() }));

  route("GET", "/api/activeworkflow/instances");
  app.get("/api/activeworkflow/instances", async () => ({ instances: options.activeworkflow.instances() }));

  route("POST", "/api/activeworkflow/instances");
  app.post("/api/activeworkflow/instances", { schema: { body: createInstanceBody } }, async (request, reply) => {
    const created = options.activeworkflow.createInstance(request.body as Parameters<ActiveWorkflowEngine["createInstance"]>[0]);
    return reply.code(201).header("location", `/api/activeworkflow/instances/${encodeURIComponent(created.name)}`).send(created);
  });

  route("GET", "/api/activeworkflow/instances/{name}");
  app.get("/api/activeworkflow/instances/:name", async (request) => options.activeworkflow.instance((request.params as { name: string }).name));

  route("POST", "/api/activeworkflow/instances/{name}/check");
  app.post("/api/activeworkflow/instances/:name/check", async (request) => options.activeworkflow.check((request.params as { name: string }).name, "api"));

  route("POST", "/api/activeworkflow/instances/{name}/messages");
  app.post("/api/activeworkflow/instances/:name/messages", { schema: { body: messageBody } }, async (request, reply) => {
    const { payload } = request.body as { payload: unknown };
    if (!isJsonObject(payload)) throw new AgentwireError("invalid_argument", "payload: must be a JSON object", { details: { field: "payload" } });
    return reply.code(202).send(options.activeworkflow.postMessage((request.params as { name: string }).name, payload));
  });

  route("GET", "/api/activeworkflow/instances/{name}/events");
  app.get("/api/activeworkflow/instances/:name/events", async (request) => {
    const q = request.query as { after?: string };
    const after = q.after === undefined ? 0 : Number(q.after);
    if (!Number.isInteger(after) || after < 0) throw new AgentwireError("invalid_argument", `after: expected an event id (a whole number), got ${JSON.stringify(q.after)}`, { details: { field: "after" } });
    return options.activeworkflow.instanceEvents((request.params as { name: string }).name, { after });
  });

  // AgentPlatform
  await registerAgentPlatformRoutes(app, options.agentplatform, (method, url) => routes.push(`${method} ${url}`));

  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE" || code === "EACCES" || code === "EADDRNOTAVAIL") {
      throw new AgentwireError(
        "unavailable",
        `the API cannot listen on ${options.host}:${options.port} (${code === "EADDRINUSE" ? "another process is using that port" : code}); set http.port to a free port, or --port 0 to let the system pick one`,
      );
    }
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : options.port;
  const shownHost = options.host.includes(":") ? `[${options.host}]` : options.host;
  allowedHosts = new Set([`${shownHost}:${port}`, ...(bindsLoopback ? [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`] : [])]);
  allowedOrigins = new Set([...allowedHosts].map((h) => `http://${h}`));
  return {
    url: `http://${shownHost}:${port}`,
    app,
    close: async () => {
      for (const end of [...openStreams]) end();
      await app.close();
    },
  };
}
