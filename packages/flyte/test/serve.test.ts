import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { afterEach, describe, expect, it } from "vitest";
import { AgentwireError, silentLogger } from "@agentwire/core";
import { freePort } from "@agentwire/test-support";
import { AgentMetadataService, AsyncAgentService } from "../src/gen/flyteidl/service/agent_pb.js";
import { LiteralMapSchema } from "../src/gen/flyteidl/core/literals_pb.js";
import { AsyncAgent, defineTask, serve, toLiteralMap, type FlyteServer, type ServeOptions, type TaskContext } from "../src/index.js";
import { createFlyteDriver, HealthCheckResponse_ServingStatus, TaskExecution_Phase, taskTemplate } from "../src/testing/index.js";
import { DoublerAgent, doublerTask, GreeterAgent, greetTask } from "./fixtures.js";

const slowTask = defineTask({ taskType: "slow" });

/** get() waits until the test releases it, so a test can hold a call in flight. */
class SlowAgent extends AsyncAgent<typeof slowTask, { id: string }> {
  readonly name = "Slow";
  readonly task = slowTask;
  private entered!: () => void;
  /** Resolves once a get() is in flight. */
  readonly inFlight = new Promise<void>((resolve) => (this.entered = resolve));
  private releaseGet!: () => void;
  private readonly released = new Promise<void>((resolve) => (this.releaseGet = resolve));

  release(): void {
    this.releaseGet();
  }
  async create(_ctx: TaskContext<typeof slowTask>) {
    return { id: "slow-1" };
  }
  async get() {
    this.entered();
    await this.released;
    return this.succeeded();
  }
  async delete() {}
}

const servers: FlyteServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(options: Partial<ServeOptions> = {}) {
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
    const { clients } = createFlyteDriver({ url: server.url });
    const { agents } = await clients.metadata.listAgents({});
    expect(agents.map((a) => a.name).sort()).toEqual(["Doubler", "Greeter", "Slow"]);
    expect((await clients.health.check({})).status).toBe(HealthCheckResponse_ServingStatus.SERVING);
  });

  it("shows a wildcard bind as 127.0.0.1 in its url", async () => {
    const server = await start({ host: "::" });
    expect(server.host).toBe("::");
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
  });

  it.each(["grpc-js", "connect"] as const)("exposes flytekit-named Prometheus metrics on the metrics port (transport %s)", async (transport) => {
    const server = await start({ metricsPort: 0, transport });
    const { clients } = createFlyteDriver({ url: server.url });
    const inputs = toLiteralMap({ n: 2 }, doublerTask.inputs);
    await clients.async.createTask({ template: taskTemplate(doublerTask), inputs });
    await clients.async.createTask({ template: taskTemplate(doublerTask), inputs: toLiteralMap({ n: 123456789 }, doublerTask.inputs) });
    await clients.async.createTask({ template: taskTemplate(defineTask({ taskType: "nope" })) }).catch(() => undefined);
    const text = await (await fetch(`http://127.0.0.1:${server.metricsPort}/metrics`)).text();
    expect(text).toContain('flyte_connector_requests_success_total{task_type="doubler",operation="create"} 2');
    expect(text).toContain('flyte_connector_requests_failure_total{task_type="nope",operation="create",error_code="404"} 1');
    expect(text).toContain('flyte_connector_request_latency_seconds_count{task_type="doubler",operation="create"} 2');
    // The inputs' serialised size: read off the wire on grpc-js, serialised again on connect; the same figure.
    const sizes = [inputs, toLiteralMap({ n: 123456789 }, doublerTask.inputs)].map((m) => toBinary(LiteralMapSchema, m).byteLength);
    expect(text).toContain(`flyte_connector_input_literal_bytes_sum{task_type="doubler"} ${sizes[0]! + sizes[1]!}`);
    expect(text).toContain('flyte_connector_input_literal_bytes_count{task_type="doubler"} 2');
    expect((await fetch(`http://127.0.0.1:${server.metricsPort}/other`)).status).toBe(404);
  });

  it("counts a failed log stream once, with flytekit's HTTP status label", async () => {
    const server = await start({ metricsPort: 0 });
    const { clients } = createFlyteDriver({ url: server.url });
    const stream = clients.async.getTaskLogs({ taskCategory: { name: "slow" }, resourceMeta: new TextEncoder().encode('{"id":"x"}') });
    const err = await (async () => {
      for await (const _ of stream) {
        // nothing arrives
      }
    })().then(() => undefined, (e: unknown) => ConnectError.from(e));
    expect(err?.code).toBe(Code.Unimplemented);
    const text = await (await fetch(`http://127.0.0.1:${server.metricsPort}/metrics`)).text();
    expect(text).toContain('flyte_connector_requests_failure_total{task_type="slow",operation="logs",error_code="501"} 1');
  });

  it("refuses a message over maxMessageBytes with RESOURCE_EXHAUSTED and keeps serving", async () => {
    // A short drain: the refused call stays half open until this client hangs up (see CallTracker).
    const server = await start({ maxMessageBytes: 64 * 1024, shutdownTimeoutMs: 1000 });
    const { clients } = createFlyteDriver({ url: server.url });
    const big = toLiteralMap({ who: "x".repeat(100 * 1024) }, greetTask.inputs);
    const err = await clients.async
      .createTask({ template: taskTemplate(greetTask), inputs: big })
      .then(() => undefined, (e: unknown) => ConnectError.from(e));
    expect(err?.code).toBe(Code.ResourceExhausted);
    expect((await clients.metadata.listAgents({})).agents).toHaveLength(3);
  });

  it("finishes in-flight calls on close, then refuses new connections", async () => {
    const slow = new SlowAgent();
    const server = await start({ agents: [slow] });
    const { clients } = createFlyteDriver({ url: server.url });
    const { resourceMeta } = await clients.async.createTask({ template: taskTemplate(slowTask) });
    const inFlight = clients.async.getTask({ taskCategory: { name: "slow", version: 0 }, resourceMeta });
    await slow.inFlight;
    const closed = server.close();
    slow.release();
    const { resource } = await inFlight;
    expect(resource?.phase).toBe(TaskExecution_Phase.SUCCEEDED);
    await closed;
    const fresh = createClient(AgentMetadataService, createGrpcTransport({ baseUrl: server.url }));
    const after = await fresh.listAgents({}).then(() => undefined, (e: unknown) => ConnectError.from(e));
    expect(after?.code).toBe(Code.Unavailable);
  });

  it("closes at once with a grpc.health.v1 Watch open: the Watch ends with NOT_SERVING", async () => {
    // Before the server used core's GrpcHealth, an open Watch held close() for the whole shutdownTimeoutMs
    // (here ten minutes, far past vitest's test timeout, so the old behaviour fails this test).
    const server = await start({ shutdownTimeoutMs: 600_000 });
    const { clients } = createFlyteDriver({ url: server.url });
    const seen: HealthCheckResponse_ServingStatus[] = [];
    let closed: Promise<void> | undefined;
    for await (const { status } of clients.health.watch({ service: "" })) {
      seen.push(status);
      closed ??= server.close();
    }
    await closed;
    expect(seen).toEqual([HealthCheckResponse_ServingStatus.SERVING, HealthCheckResponse_ServingStatus.NOT_SERVING]);
  });

  it("keeps serving for drainDelayMs while health already answers NOT_SERVING", async () => {
    const server = await start({ drainDelayMs: 1000 });
    const { clients } = createFlyteDriver({ url: server.url });
    expect((await clients.health.check({ service: "grpc.health.v1.Health" })).status).toBe(HealthCheckResponse_ServingStatus.SERVING);
    const closed = server.close();
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
    await expect(start({ port: 70_000 })).rejects.toThrow("port=70000 is not a port number");
  });

  it("refuses a metricsPort that is not a port, naming the option, before binding anything", async () => {
    const refusal = start({ metricsPort: 70_000 });
    await expect(refusal).rejects.toThrow(AgentwireError);
    await expect(refusal).rejects.toThrow(
      "metricsPort=70000 is not a port number: use decimal digits from 0 to 65535 (0 picks a free port)",
    );
    await expect(start({ metricsPort: -1 })).rejects.toThrow("metricsPort=-1 is not a port number");
    await expect(start({ metricsPort: 80.5 })).rejects.toThrow("metricsPort=80.5 is not a port number");
  });

  it("refuses maxMessageBytes 0, and leaves the metrics port it had bound free again", async () => {
    const metricsPort = await freePort();
    await expect(start({ maxMessageBytes: 0, metricsPort })).rejects.toThrow(
      "maxMessageBytes must be a positive whole number of bytes, e.g. 4194304; got 0",
    );
    const server = await start({ metricsPort });
    expect(server.metricsPort).toBe(metricsPort);
  });

  it("takes PORT and METRICS_PORT from the environment, decimal only", async () => {
    const saved = { PORT: process.env.PORT, METRICS_PORT: process.env.METRICS_PORT };
    try {
      process.env.PORT = "0x1F";
      await expect(serve({ agents: [new GreeterAgent()], handleSignals: false, logger: silentLogger() })).rejects.toThrow(
        'PORT="0x1F" is not a port number',
      );
      process.env.PORT = "0";
      process.env.METRICS_PORT = "0x1F";
      await expect(serve({ agents: [new GreeterAgent()], handleSignals: false, logger: silentLogger() })).rejects.toThrow(
        'METRICS_PORT="0x1F" is not a port number',
      );
      process.env.METRICS_PORT = "0";
      const server = await serve({ agents: [new GreeterAgent()], host: "127.0.0.1", handleSignals: false, logger: silentLogger() });
      servers.push(server);
      expect(server.port).toBeGreaterThan(0);
      expect(server.metricsPort).toBeGreaterThan(0);
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
});
