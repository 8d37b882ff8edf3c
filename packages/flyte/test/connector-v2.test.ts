// Flyte 2's flyteidl2.connector served by `serve()` beside Flyte 1's services, over a real port, called with the
// generated v2 client: the agent code is the same, the context says which protocol called and carries the
// connection, and the connection's secrets never reach a log line or an answer.
import { PassThrough } from "node:stream";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AsyncAgent, createLogger, defineTask, serve, types, type AgentContext, type FlyteServer, type TaskContext } from "../src/index.js";
import { AsyncConnectorService, ConnectorMetadataService } from "../src/gen2/flyteidl2/connector/service_pb.js";
import { TaskExecution_Phase } from "../src/gen2/flyteidl2/core/execution_pb.js";
import { createFlyte2Driver, createFlyteDriver } from "../src/testing/index.js";

const secret = "tok-9f8e7d6c5b4a-very-secret";
const lookup = defineTask({ taskType: "secret_lookup", inputs: { key: types.string() }, outputs: { found: types.string(), protocol: types.string() } });
const seen: Array<{ protocol: string; connection?: AgentContext["connection"] }> = [];

class SecretLookupAgent extends AsyncAgent<typeof lookup, { key: string; protocol: string }> {
  readonly name = "Secret Lookup";
  readonly task = lookup;

  async create(ctx: TaskContext<typeof lookup>) {
    seen.push({ protocol: ctx.protocol, ...(ctx.connection ? { connection: ctx.connection } : {}) });
    // Careless code: the secret in a log line and, for one key, in an error.
    ctx.logger.info({ token: ctx.connection?.secrets.api_token }, `using token ${ctx.connection?.secrets.api_token ?? "none"}`);
    if (ctx.inputs.key === "explode") throw new Error(`upstream refused token ${ctx.connection?.secrets.api_token}`);
    return { key: ctx.inputs.key, protocol: ctx.protocol };
  }

  async get(meta: { key: string; protocol: string }, ctx: AgentContext) {
    if (meta.key === "fail") {
      return this.failed(`lookup failed with token ${ctx.connection?.secrets.api_token}`, { logLinks: [{ name: "console", uri: `https://console.example/run?token=${ctx.connection?.secrets.api_token}` }] });
    }
    return this.succeeded({ found: `value of ${meta.key}`, protocol: meta.protocol });
  }

  async delete() {}

  override async *getLogs(meta: { key: string }) {
    yield `looking up ${meta.key}`;
    yield { message: "done", originator: "system" as const };
  }

  override async getMetrics(meta: { key: string }) {
    return [{ metric: "lookups", data: { key: meta.key, count: 1 } }];
  }
}

let server: FlyteServer;
const logs = new PassThrough();
let logText = "";
logs.on("data", (c: Buffer) => (logText += c.toString()));

beforeAll(async () => {
  server = await serve({ agents: [new SecretLookupAgent()], port: 0, connectPort: 0, host: "127.0.0.1", handleSignals: false, logger: createLogger({ level: "debug", destination: logs }) });
});

afterAll(async () => {
  await server.close();
});

const v2 = () => {
  const transport = createGrpcTransport({ baseUrl: server.url });
  return { tasks: createClient(AsyncConnectorService, transport), metadata: createClient(ConnectorMetadataService, transport) };
};
const template = { type: "secret_lookup", interface: { inputs: { variables: [{ key: "key", value: { type: { type: { case: "simple" as const, value: 3 } } } }] } } };
const inputs = (key: string) => ({ literals: [{ name: "key", value: { value: { case: "scalar" as const, value: { value: { case: "primitive" as const, value: { value: { case: "stringValue" as const, value: key } } } } } } }] });
const connection = { taskType: "secret_lookup", secrets: { api_token: secret }, configs: { region: "eu-west-1" } };

describe("serve() over flyteidl2.connector", () => {
  it("lists the async agent as a connector", async () => {
    const { connectors } = await v2().metadata.listConnectors({});
    expect(connectors.map((c) => [c.name, c.supportedTaskCategories.map((t) => `${t.name} v${t.version}`)])).toEqual([["Secret Lookup", ["secret_lookup v0"]]]);
  });

  it("runs the same agent: the context says flyteidl2 and carries the connection; outputs come back as named literals", async () => {
    const { tasks } = v2();
    const { resourceMeta } = await tasks.createTask({ inputs: inputs("db"), template, outputPrefix: "s3://b/o", connection });
    expect(seen.at(-1)).toEqual({ protocol: "flyteidl2", connection: { taskType: "secret_lookup", secrets: { api_token: secret }, configs: { region: "eu-west-1" } } });
    const { resource } = await tasks.getTask({ resourceMeta, taskCategory: { name: "secret_lookup", version: 0 }, connection });
    expect(resource?.phase).toBe(TaskExecution_Phase.SUCCEEDED);
    const outputs = Object.fromEntries((resource?.outputs?.literals ?? []).map((l) => [l.name, l.value?.value.case === "scalar" && l.value.value.value.value.case === "primitive" ? l.value.value.value.value.value.value.value : undefined]));
    expect(outputs).toEqual({ found: "value of db", protocol: "flyteidl2" });
  });

  it("the same server still answers Flyte 1, and the context says flyteidl there, without a connection", async () => {
    const driver = createFlyteDriver({ url: server.url, pollIntervalMs: 5 });
    const run = await driver.run(lookup, { key: "v1" });
    expect(run.outputs).toEqual({ found: "value of v1", protocol: "flyteidl" });
    expect(seen.at(-1)).toEqual({ protocol: "flyteidl" });
  });

  it("never logs or answers the connection's secret values: log lines, a refused CreateTask, a FAILED resource's message and log links", async () => {
    const { tasks } = v2();
    const refused = await tasks.createTask({ inputs: inputs("explode"), template, connection }).then(
      () => "answered",
      (err: Error) => err.message,
    );
    expect(refused).toContain("upstream refused token [redacted secret api_token]");
    const { resourceMeta } = await tasks.createTask({ inputs: inputs("fail"), template, connection });
    const { resource } = await tasks.getTask({ resourceMeta, taskCategory: { name: "secret_lookup", version: 0 }, connection });
    expect(resource?.phase).toBe(TaskExecution_Phase.FAILED);
    expect(resource?.message).toBe("lookup failed with token [redacted secret api_token]");
    expect(resource?.logLinks.map((l) => l.uri)).toEqual(["https://console.example/run?token=[redacted secret api_token]"]);
    expect(logText).toContain("using token [redacted secret api_token]");
    expect(logText).not.toContain(secret);
  });

  it("the Connect port answers Flyte 2's services over HTTP/1.1 (JSON), and /healthz", async () => {
    expect(server.connectPort).toBeGreaterThan(0);
    const baseUrl = `http://127.0.0.1:${server.connectPort}`;
    const transport = createConnectTransport({ baseUrl, httpVersion: "1.1", useBinaryFormat: false });
    const metadata = createClient(ConnectorMetadataService, transport);
    expect((await metadata.listConnectors({})).connectors.map((c) => c.name)).toEqual(["Secret Lookup"]);
    const tasks = createClient(AsyncConnectorService, transport);
    const { resourceMeta } = await tasks.createTask({ inputs: inputs("over-connect"), template, connection });
    const { resource } = await tasks.getTask({ resourceMeta, taskCategory: { name: "secret_lookup", version: 0 }, connection });
    expect(resource?.phase).toBe(TaskExecution_Phase.SUCCEEDED);
    const health = await fetch(`${baseUrl}/healthz`);
    expect([health.status, await health.text()]).toEqual([200, "SERVING\n"]);
    // A plain JSON POST, as any HTTP client speaks the Connect protocol.
    const json = await fetch(`${baseUrl}/flyteidl2.connector.ConnectorMetadataService/ListConnectors`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(json.status).toBe(200);
    expect(await json.json()).toEqual({ connectors: [{ name: "Secret Lookup", supportedTaskCategories: [{ name: "secret_lookup" }] }] });
  });

  it("GetTaskLogs (a stream) and GetTaskMetrics answer over v2 as over v1", async () => {
    const { tasks } = v2();
    const { resourceMeta } = await tasks.createTask({ inputs: inputs("logs"), template, connection });
    const lines: string[] = [];
    for await (const part of tasks.getTaskLogs({ resourceMeta, taskCategory: { name: "secret_lookup", version: 0 } })) {
      if (part.part.case === "body") lines.push(...part.part.value.lines.map((l) => l.message));
    }
    expect(lines).toEqual(["looking up logs", "done"]);
    const { results } = await tasks.getTaskMetrics({ resourceMeta, taskCategory: { name: "secret_lookup", version: 0 }, queries: ["lookups"] });
    expect(results.map((r) => [r.metric, r.data])).toEqual([["lookups", { key: "logs", count: 1 }]]);
  });

  it("the Flyte 2 driver runs tasks as the executor does: typed outputs with the connection sent, FAILED, a miss refused", async () => {
    const driver = createFlyte2Driver({ url: server.url, pollIntervalMs: 5 });
    const ok = await driver.run(lookup, { key: "via-driver" }, { connection: { secrets: { api_token: secret } } });
    expect(ok).toMatchObject({ mode: "async", phase: "SUCCEEDED", outputs: { found: "value of via-driver", protocol: "flyteidl2" } });
    expect(seen.at(-1)?.connection?.secrets).toEqual({ api_token: secret });
    const failed = await driver.run(lookup, { key: "fail" }, { connection: { secrets: { api_token: secret } } });
    expect(failed).toMatchObject({ phase: "FAILED", message: "lookup failed with token [redacted secret api_token]" });
    const unknown = defineTask({ taskType: "nobody_serves_this" });
    await expect(driver.run(unknown)).rejects.toThrow(/^no connector lists nobody_serves_this v0 for flytesnacks\/development \(ListConnectors lists secret_lookup v0\)/);
  });
});
