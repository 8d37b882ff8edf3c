// Every refusal of the host's JSON API, over real HTTP to a host started in this process (`:memory:` state,
// port 0): who may call it (token, Origin, Host), bad bodies named by field, unknown ids, conflicts; and
// that nothing a refusal touched was half-applied.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseHostConfig, startHost, type RunningHost } from "../src/index.js";

let host: RunningHost;
const lines: string[] = [];

beforeAll(async () => {
  // A default connector nothing listens on: every task type routes somewhere, and nothing is ever reached.
  const config = parseHostConfig(`
state: ":memory:"
http: { port: 0 }
flyte:
  defaultConnector: { endpoint: "127.0.0.1:9" }
  pollInterval: 1h
activeworkflow:
  instances:
    - { name: orphan, type: GoneAgent }
`);
  host = await startHost({ config, token: "t0ken-for-the-api-test", print: (line) => lines.push(line) });
});

afterAll(async () => {
  await host.close();
});

async function call(method: string, path: string, init: { body?: string | object; headers?: Record<string, string>; token?: string | null } = {}) {
  const headers: Record<string, string> = { ...(init.token === null ? {} : { authorization: `Bearer ${init.token ?? host.token}` }), ...init.headers };
  if (init.body !== undefined && headers["content-type"] === undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${host.url}${path}`, {
    method,
    headers,
    ...(init.body === undefined ? {} : { body: typeof init.body === "string" ? init.body : JSON.stringify(init.body) }),
  });
  return { status: response.status, body: (await response.json()) as { error: string; field?: string; check?: string; tasks?: unknown[] }, headers: response.headers };
}

describe("who may call the API", () => {
  it("prints the :memory: warning and the API with its token", () => {
    expect(lines).toContain("  warning: state is :memory:; tasks, instances and messages are lost when the host stops. Set state: to a file to keep them.");
    expect(lines.find((l) => l.includes("API:"))).toContain("(Authorization: Bearer t0ken-for-the-api-test)");
  });

  it("no Authorization header: 401, saying so", async () => {
    const r = await call("GET", "/api/health", { token: null });
    expect(r.status).toBe(401);
    expect(r.body.check).toBe("token");
    expect(r.body.error).toMatch(/^refused: no Authorization header; send Authorization: Bearer <token>/);
    expect(r.headers.get("www-authenticate")).toBe('Bearer realm="agentwire-host"');
  });

  it("a wrong token, or not a Bearer one: 401", async () => {
    const wrong = await call("GET", "/api/health", { token: "t0ken-for-the-api-tesT" });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toMatch(/^refused: the bearer token is not this host's/);
    const basic = await call("GET", "/api/health", { token: null, headers: { authorization: "Basic dXNlcjpwdw==" } });
    expect(basic.status).toBe(401);
    expect(basic.body.error).toMatch(/the Authorization header is not Bearer <token>/);
  });

  it("a browser request from another Origin: 403, even with the token", async () => {
    const r = await call("POST", "/api/flyte/tasks", { body: { taskType: "x" }, headers: { origin: "http://evil.example" } });
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ check: "origin" });
    expect(r.body.error).toMatch(/^refused: Origin http:\/\/evil\.example is not this API's own \(http:\/\/127\.0\.0\.1:\d+\)/);
    expect((await call("GET", "/api/flyte/tasks")).body.tasks).toEqual([]);
    const own = await call("GET", "/api/health", { headers: { origin: host.url } });
    expect(own.status).toBe(200);
  });

  it("a Host that is not the API's (DNS rebinding): 403", async () => {
    const { request } = await import("node:http");
    const url = new URL(host.url);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, path: "/api/health", headers: { host: "rebind.example:80", authorization: `Bearer ${host.token}` } }, (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on("error", reject);
      req.end();
    });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body)).toMatchObject({ check: "host" });
  });
});

describe("bad input: 400 naming the field, and nothing created", () => {
  const refusals: Array<[string, string | object, string, RegExp]> = [
    ["no taskType", { inputs: {} }, "taskType", /^taskType: required$/],
    ["an unknown field", { taskType: "x", inputz: {} }, "inputz", /^inputz: not a known field$/],
    ["a version that is not a whole number", { taskType: "x", version: 1.5 }, "version", /^version: must be integer$/],
    ["inputs that are not an object", { taskType: "x", inputs: [1] }, "inputs", /^inputs: must be object$/],
    ["a type name that does not parse", { taskType: "x", interface: { inputs: { n: "integr" } } }, "interface", /^interface: .*integr/],
    ["inputs that do not fit the interface", { taskType: "x", inputs: { n: "seven" }, interface: { inputs: { n: "integer" } } }, "inputs", /^inputs: .*\bn\b.*; fix the inputs or the interface$/],
    ["a timeout that is not a duration", { taskType: "x", timeout: "soon" }, "timeout", /^timeout: expected a duration such as "30s"/],
    ["a body that is not JSON", "{not json", "body", /^the body is not valid JSON/],
  ];
  it.each(refusals)("POST /api/flyte/tasks with %s", async (_name, body, field, message) => {
    const r = await call("POST", "/api/flyte/tasks", { body });
    expect(r.status).toBe(400);
    expect(r.body.field).toBe(field);
    expect(r.body.error).toMatch(message);
    expect((await call("GET", "/api/flyte/tasks")).body.tasks).toEqual([]);
  });

  it("a limit out of range on GET /api/flyte/tasks", async () => {
    const r = await call("GET", "/api/flyte/tasks?limit=0");
    expect(r).toMatchObject({ status: 400, body: { field: "limit" } });
  });

  it("ActiveWorkflow: a duplicate name 409, a type nobody registered 400, a bad schedule 400, a payload that is not an object 400", async () => {
    const duplicate = await call("POST", "/api/activeworkflow/instances", { body: { name: "orphan", type: "GoneAgent" } });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({ field: "name", error: 'name: an instance named "orphan" exists already; pick another name' });
    const type = await call("POST", "/api/activeworkflow/instances", { body: { name: "new", type: "NopeAgent" } });
    expect(type.status).toBe(400);
    expect(type.body).toMatchObject({ field: "type", error: 'type: no registered agent is "NopeAgent" (registered: none); GET /api/activeworkflow/agents lists them' });
    const schedule = await call("POST", "/api/activeworkflow/instances", { body: { name: "new", type: "NopeAgent", schedule: "every_5min" } });
    expect(schedule.status).toBe(400);
    expect(schedule.body.field).toBe("schedule");
    expect(schedule.body.error).toMatch(/^schedule: "every_5min" is not an ActiveWorkflow schedule \(did you mean every_5m\?\)/);
    const payload = await call("POST", "/api/activeworkflow/instances/orphan/messages", { body: { payload: [1, 2] } });
    expect(payload).toMatchObject({ status: 400, body: { field: "payload" } });
    const missing = await call("POST", "/api/activeworkflow/instances/orphan/messages", { body: {} });
    expect(missing).toMatchObject({ status: 400, body: { field: "payload", error: "payload: required" } });
    const instances = (await call("GET", "/api/activeworkflow/instances")).body as unknown as { instances: Array<{ name: string; pendingMessages: number }> };
    expect(instances.instances.map((i) => [i.name, i.pendingMessages])).toEqual([["orphan", 0]]);
  });

  it("a check of an instance whose type is not registered: 409, naming why", async () => {
    const r = await call("POST", "/api/activeworkflow/instances/orphan/check");
    expect(r.status).toBe(409);
    expect(r.body.error).toBe("check not sent: no registered agent is GoneAgent (GET /api/activeworkflow/agents shows why)");
  });

  it("a body that is not JSON at all: 415", async () => {
    const r = await call("POST", "/api/flyte/tasks", { body: "taskType=x", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(r.status).toBe(415);
    expect(r.body.error).toMatch(/send Content-Type: application\/json$/);
  });
});

describe("unknown ids and routes: 404", () => {
  it.each([
    ["GET", "/api/flyte/tasks/ft-nope", /^no Flyte task "ft-nope"; GET \/api\/flyte\/tasks lists them$/],
    ["DELETE", "/api/flyte/tasks/ft-nope", /^no Flyte task "ft-nope"/],
    ["GET", "/api/activeworkflow/instances/nope", /^no ActiveWorkflow instance "nope" \(there are orphan\)/],
    ["POST", "/api/activeworkflow/instances/nope/check", /^no ActiveWorkflow instance "nope"/],
    ["GET", "/api/activeworkflow/instances/nope/events", /^no ActiveWorkflow instance "nope"/],
    ["GET", "/api/nope", /^no route GET \/api\/nope; GET \/api\/health lists the routes$/],
  ])("%s %s", async (method, path, message) => {
    const r = await call(method, path);
    expect(r.status).toBe(404);
    expect(r.body.error).toMatch(message);
  });

  it("a message for an unknown instance is refused, and no message is stored", async () => {
    const r = await call("POST", "/api/activeworkflow/instances/nope/messages", { body: { payload: { a: 1 } } });
    expect(r.status).toBe(404);
    expect(host.store.db.prepare("SELECT COUNT(*) AS n FROM aw_messages").get()).toEqual({ n: 0 });
  });
});

describe("a task the default connector cannot take", () => {
  it("is accepted, and fails naming the CreateTask error, as Propeller's launcher does", async () => {
    const created = await call("POST", "/api/flyte/tasks", { body: { taskType: "anything", inputs: { x: 1 } } });
    expect(created.status).toBe(201);
    const id = (created.body as unknown as { id: string }).id;
    const done = await new Promise<{ phase: string; message: string }>((resolve) => {
      const off = host.events.subscribe((e) => {
        if (e.id === id && e.data.phase === "RETRYABLE_FAILED") {
          off();
          resolve(host.flyte.get(id) as { phase: string; message: string });
        }
      });
      const now = host.flyte.get(id);
      if (now.phase === "RETRYABLE_FAILED") resolve(now as { phase: string; message: string });
    });
    expect(done.message).toMatch(/^failed to create task from connector with rpc error: code = Unavailable desc = /);
    const again = await call("DELETE", `/api/flyte/tasks/${id}`);
    expect(again.status).toBe(409);
  });
});

describe("the AgentPlatform routes' refusals", () => {
  it.each([
    ["GET", "/api/v1/workspaces/nope/settings"],
    ["GET", "/api/v1/workspaces/nope/conversations"],
    ["GET", "/api/v1/workspaces/nope/views/files/api/x"],
    ["GET", "/api/v1/workspaces/nope/render/files/main"],
  ])("%s %s: 404 naming the workspaces there are", async (method, path) => {
    const r = await call(method, path);
    expect(r.status).toBe(404);
    expect(r.body.error).toBe('no workspace "nope" (the host loaded none; list workspace files under agentplatform.workspaces)');
  });

  it("a chat without input, or with an unknown field: 400 naming it; a settings body without settings: 400", async () => {
    expect(await call("POST", "/api/v1/workspaces/nope/chat", { body: {} })).toMatchObject({ status: 400, body: { field: "input", error: "input: required" } });
    expect(await call("POST", "/api/v1/workspaces/nope/chat", { body: { input: "hi", inptu: "x" } })).toMatchObject({ status: 400, body: { field: "inptu" } });
    expect(await call("PUT", "/api/v1/workspaces/nope/settings/files", { body: { root: "/x" } })).toMatchObject({ status: 400, body: { field: "settings" } });
    expect(await call("PUT", "/api/v1/workspaces/nope/settings/files", { body: { settings: { root: ["x"] } } })).toMatchObject({ status: 400, body: { field: "settings.root" } });
  });
});
