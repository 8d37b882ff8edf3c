import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "@agentwire/core";
import { AgentMetadataService, AsyncAgentService } from "../src/gen/flyteidl/service/agent_pb.js";
import { HealthCheckResponse_ServingStatus } from "@agentwire/core/grpc";
import { AsyncAgent, serve, toLiteralMap, types, variables, type AgentServer, type TaskContext } from "../src/index.js";
import { createAgentClients, createNetworkTransport, taskTemplate } from "../src/testing/index.js";
import { DoublerAgent, GreeterAgent } from "./fixtures.js";

/** get() takes as long as the meta says, so a test can hold a call in flight. */
class SlowAgent extends AsyncAgent<{ ms: number }, { ms: number }> {
  readonly name = "Slow";
  readonly taskCategory = { name: "slow" };
  override readonly inputTypes = { ms: types.integer() };
  async create(ctx: TaskContext<{ ms: number }>) {
    return { ms: ctx.inputs.ms };
  }
  async get(meta: { ms: number }) {
    await new Promise((r) => setTimeout(r, meta.ms));
    return { phase: "SUCCEEDED" as const };
  }
  async delete() {}
}

const servers: AgentServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(options: Partial<Parameters<typeof serve>[0]> = {}) {
  const server = await serve({
    agents: [new DoublerAgent(), new GreeterAgent(), new SlowAgent()],
    port: 0,
    host: "127.0.0.1",
    handleSignals: false,
    logger: silentLogger(),
    ...options,
  });
  servers.push(server);
  return server;
}

describe("serve", () => {
  it("serves the agent services and health over real HTTP/2 gRPC", async () => {
    const server = await start();
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    const clients = createAgentClients(createNetworkTransport(server.url));
    const { agents } = await clients.metadata.listAgents({});
    expect(agents.map((a) => a.name).sort()).toEqual(["Doubler", "Greeter", "Slow"]);
    expect((await clients.health.check({})).status).toBe(HealthCheckResponse_ServingStatus.SERVING);
  });

  it("exposes flytekit-named Prometheus metrics on the metrics port", async () => {
    const server = await start({ metricsPort: 0 });
    const clients = createAgentClients(createNetworkTransport(server.url));
    const spec = { type: "doubler", inputs: { n: types.integer() } };
    await clients.async.createTask({ template: taskTemplate(spec), inputs: toLiteralMap({ n: 2 }, variables(spec.inputs)) });
    await clients.async.createTask({ template: taskTemplate({ type: "nope" }) }).catch(() => undefined);
    const text = await (await fetch(`http://127.0.0.1:${server.metricsPort}/metrics`)).text();
    expect(text).toContain('flyte_connector_requests_success_total{task_type="doubler",operation="create"} 1');
    expect(text).toContain('flyte_connector_requests_failure_total{task_type="nope",operation="create",error_code="404"} 1');
    expect(text).toContain('flyte_connector_request_latency_seconds_count{task_type="doubler",operation="create"} 1');
    expect(text).toMatch(/flyte_connector_input_literal_bytes_sum\{task_type="doubler"\} \d+/);
    expect((await fetch(`http://127.0.0.1:${server.metricsPort}/other`)).status).toBe(404);
  });

  it("refuses a message over maxMessageBytes with RESOURCE_EXHAUSTED and keeps serving", async () => {
    // A short drain: the refused call stays half open until this client hangs up (see CallTracker).
    const server = await start({ maxMessageBytes: 64 * 1024, shutdownTimeoutMs: 1000 });
    const clients = createAgentClients(createNetworkTransport(server.url));
    const spec = { type: "greet", inputs: { who: types.string() } };
    const big = toLiteralMap({ who: "x".repeat(100 * 1024) }, variables(spec.inputs));
    const err = await clients.async
      .createTask({ template: taskTemplate(spec), inputs: big })
      .then(() => undefined, (e: unknown) => ConnectError.from(e));
    expect(err?.code).toBe(Code.ResourceExhausted);
    expect((await clients.metadata.listAgents({})).agents).toHaveLength(3);
  });

  it("finishes in-flight calls on close, reports NOT_SERVING, then refuses new connections", async () => {
    const server = await start();
    const clients = createAgentClients(createNetworkTransport(server.url));
    const spec = { type: "slow", inputs: { ms: types.integer() } };
    const { resourceMeta } = await clients.async.createTask({
      template: taskTemplate(spec),
      inputs: toLiteralMap({ ms: 800 }, variables(spec.inputs)),
    });
    const inFlight = clients.async.getTask({ taskCategory: { name: "slow", version: 0 }, resourceMeta });
    await new Promise((r) => setTimeout(r, 100));
    const closed = server.close();
    const { resource } = await inFlight;
    expect(resource?.phase).toBe(3 /* SUCCEEDED */);
    await closed;
    const fresh = createClient(AgentMetadataService, createGrpcTransport({ baseUrl: server.url }));
    const after = await fresh.listAgents({}).then(() => undefined, (e: unknown) => ConnectError.from(e));
    expect(after?.code).toBe(Code.Unavailable);
  });

  it("keeps serving for drainDelayMs while health already answers NOT_SERVING", async () => {
    const server = await start({ drainDelayMs: 400 });
    const clients = createAgentClients(createNetworkTransport(server.url));
    expect((await clients.health.check({ service: "grpc.health.v1.Health" })).status).toBe(HealthCheckResponse_ServingStatus.SERVING);
    const closed = server.close();
    await new Promise((r) => setTimeout(r, 50));
    expect((await clients.health.check({})).status).toBe(HealthCheckResponse_ServingStatus.NOT_SERVING);
    expect((await clients.metadata.listAgents({})).agents).toHaveLength(3);
    await closed;
  });

  it("serves TLS when given a key and certificate", async () => {
    const dir = mkdtempSync(join(tmpdir(), "agentwire-tls-"));
    execFileSync("openssl", [
      "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
      "-addext", "subjectAltName=IP:127.0.0.1",
      "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"),
    ], { stdio: "ignore" });
    const cert = readFileSync(join(dir, "cert.pem"));
    const server = await start({ tls: { key: readFileSync(join(dir, "key.pem")), cert } });
    expect(server.url.startsWith("https://")).toBe(true);
    const client = createClient(AsyncAgentService, createGrpcTransport({ baseUrl: server.url, nodeOptions: { ca: cert } }));
    const err = await client.getTask({ taskCategory: { name: "unknown" }, resourceMeta: new Uint8Array([1]) }).catch((e: unknown) => ConnectError.from(e));
    expect((err as ConnectError).code).toBe(Code.NotFound);
  });

  it("refuses bad configuration at start with a clear message", async () => {
    await expect(serve({ agents: [], port: 0, handleSignals: false, logger: silentLogger() })).rejects.toThrow(
      "no agents to serve",
    );
    await expect(
      serve({ agents: [new DoublerAgent(), new DoublerAgent()], port: 0, handleSignals: false, logger: silentLogger() }),
    ).rejects.toThrow("DoublerAgent and DoublerAgent both serve task type doubler version 0");
    const busy = await start();
    await expect(start({ port: busy.port })).rejects.toThrow(/EADDRINUSE/);
  });
});
