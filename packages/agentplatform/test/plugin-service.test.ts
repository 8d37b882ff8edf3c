// The Plugin service and grpc.health.v1 as a platform calls them: in-process (createRouterTransport over the
// same routes) and over a real HTTP/2 socket served by servePlugin.
import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { AgentwireError, silentLogger } from "@agentwire/core";
import { Code } from "@connectrpc/connect";
import { createClient } from "@connectrpc/connect";
import { Capability, parseHandshake, Plugin, servePlugin, Status, ToolProvider, type AnyPlugin, type PluginServer } from "../src/index.js";
import { HealthCheckResponse_ServingStatus as Serving } from "@agentwire/core/grpc";
import { createInProcessTransport, createNetworkTransport, createPluginClients } from "../src/testing/index.js";
import { fakeHooks, fakeProvider, rejection, validConfig, weatherPlugin } from "./fixtures.js";

const servers: PluginServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A tool provider whose ListTools answers, to prove providers' routes are mounted. */
const tools = () => {
  const provider = fakeProvider(Capability.TOOL_PROVIDER, ToolProvider);
  return {
    ...provider,
    registerRoutes: (router: Parameters<typeof provider.registerRoutes>[0]) => {
      router.service(ToolProvider, { listTools: () => ({ tools: [{ name: "forecast", description: "d", parametersJsonSchema: "{}" }] }) });
    },
  };
};

const transports = {
  "in-process": (plugin: AnyPlugin) => createInProcessTransport(plugin),
  "a real socket": async (plugin: AnyPlugin) => {
    const server = await servePlugin(plugin, { mode: "remote", port: 0, host: "127.0.0.1", handleSignals: false, logger: silentLogger() });
    servers.push(server);
    return createNetworkTransport(server.url);
  },
};

describe.each(Object.entries(transports))("over %s", (_name, connect) => {
  const clientsFor = async (plugin: AnyPlugin) => {
    const transport = await connect(plugin);
    return { ...createPluginClients(transport), tools: createClient(ToolProvider, transport) };
  };

  it("Register answers the name, the providers' capabilities and the metadata", async () => {
    const plugin = weatherPlugin().addProvider(fakeHooks()).addProvider(tools());
    const { plugin: client } = await clientsFor(plugin);
    const res = await client.register({ config: { ...validConfig, verbose: "1" }, envVars: { X: "y" } });
    expect(res.name).toBe("weather");
    expect(res.capabilities).toEqual([Capability.TOOL_PROVIDER, Capability.LIFECYCLE_HOOK]);
    expect(res.metadata).toEqual({ homepage: "https://weather.example.com", version: "1.2.0", protocol_version: "1" });
    expect(plugin.config).toMatchObject({ verbose: true, retries: 2 });
    expect(plugin.env).toEqual({ X: "y" });
  });

  it("Register refuses bad config with INVALID_ARGUMENT naming every field", async () => {
    const { plugin: client } = await clientsFor(weatherPlugin());
    const err = await rejection(client.register({ config: { units: "kelvin", verbose: "yes" } }));
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.rawMessage).toMatch(/^invalid config for plugin "weather" \(4 problems\): /);
    for (const field of ["api_key_env", "units", "retries", "verbose"]) expect(err.rawMessage).toContain(`${field}: `);
  });

  it("Register passes on onRegister's refusal code; a plain exception is INTERNAL", async () => {
    let failure: Error = new AgentwireError("unavailable", "weather API unreachable");
    const plugin = weatherPlugin({
      onRegister: () => {
        throw failure;
      },
    });
    const { plugin: client } = await clientsFor(plugin);
    const err = await rejection(client.register({ config: validConfig }));
    expect([err.code, err.rawMessage]).toEqual([Code.Unavailable, "weather API unreachable"]);
    failure = new Error("boom");
    const err2 = await rejection(client.register({ config: validConfig }));
    expect([err2.code, err2.rawMessage]).toEqual([Code.Internal, "boom"]);
    expect(plugin.registered).toBe(false);
  });

  it("a callback that never settles does not outlive its call, and a cancelled Register commits nothing", async () => {
    const plugin = weatherPlugin({ onRegister: () => new Promise<void>(() => {}), health: () => new Promise<boolean>(() => {}) });
    const { plugin: client } = await clientsFor(plugin);
    const started = Date.now();
    expect((await rejection(client.register({ config: validConfig }, { timeoutMs: 200 }))).code).toBe(Code.DeadlineExceeded);
    expect((await rejection(client.health({}, { timeoutMs: 200 }))).code).toBe(Code.DeadlineExceeded);
    expect(Date.now() - started).toBeLessThan(5000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(plugin.registered).toBe(false);
  });

  it("GetManifest answers the manifest HCL", async () => {
    const plugin = weatherPlugin();
    const { plugin: client } = await clientsFor(plugin);
    const res = await client.getManifest({});
    expect(res.manifestHcl).toBe(plugin.manifestHcl);
    expect(res.manifestHcl).toMatch(/^plugin "weather" \{\n/);
  });

  it("Health answers SERVING, and NOT_SERVING after setServing(false)", async () => {
    const plugin = weatherPlugin();
    const { plugin: client, health } = await clientsFor(plugin);
    expect((await client.health({})).status).toBe(Status.SERVING);
    expect((await health.check({ service: "" })).status).toBe(Serving.SERVING);
    plugin.setServing(false);
    expect((await client.health({})).status).toBe(Status.NOT_SERVING);
    expect((await health.check({ service: "plugin" })).status).toBe(Serving.NOT_SERVING);
    plugin.setServing(true);
    expect((await client.health({})).status).toBe(Status.SERVING);
  });

  it("Health asks the author's callback; false or an exception is NOT_SERVING", async () => {
    let answer: () => boolean = () => true;
    const plugin = weatherPlugin({ health: () => answer() });
    const { plugin: client, health } = await clientsFor(plugin);
    expect((await client.health({})).status).toBe(Status.SERVING);
    answer = () => false;
    expect((await client.health({})).status).toBe(Status.NOT_SERVING);
    expect((await health.check({ service: "agentplatform.v1.Plugin" })).status).toBe(Serving.NOT_SERVING);
    answer = () => {
      throw new Error("database down");
    };
    expect((await client.health({})).status).toBe(Status.NOT_SERVING);
  });

  it("grpc.health.v1 knows the server, the plugin, its services and its providers' services", async () => {
    const plugin = weatherPlugin().addProvider(tools());
    const { health } = await clientsFor(plugin);
    for (const service of ["", "plugin", "agentplatform.v1.Plugin", "grpc.health.v1.Health", "agentplatform.v1.ToolProvider"]) {
      expect((await health.check({ service })).status, service).toBe(Serving.SERVING);
    }
    const err = await rejection(health.check({ service: "agentplatform.v1.ViewProvider" }));
    expect(err.code).toBe(Code.NotFound);
    expect(err.rawMessage).toContain('unknown service "agentplatform.v1.ViewProvider"');
    const list = await health.list({});
    expect(Object.keys(list.statuses).sort()).toEqual(["", "agentplatform.v1.Plugin", "agentplatform.v1.ToolProvider", "grpc.health.v1.Health", "plugin"]);
  });

  it("grpc.health.v1 Watch streams changes as they happen", async () => {
    const plugin = weatherPlugin();
    const { health } = await clientsFor(plugin);
    const abort = new AbortController();
    const stream = health.watch({ service: "plugin" }, { signal: abort.signal })[Symbol.asyncIterator]();
    expect((await stream.next()).value?.status).toBe(Serving.SERVING);
    plugin.setServing(false);
    expect((await stream.next()).value?.status).toBe(Serving.NOT_SERVING);
    plugin.setServing(true);
    expect((await stream.next()).value?.status).toBe(Serving.SERVING);
    abort.abort();
    await stream.return?.();
  });

  it("routes the providers' services", async () => {
    const { tools: toolClient } = await clientsFor(weatherPlugin().addProvider(tools()));
    expect((await toolClient.listTools({})).tools.map((t) => t.name)).toEqual(["forecast"]);
  });

  it("answers UNIMPLEMENTED for a capability service the plugin does not provide", async () => {
    const { tools: toolClient } = await clientsFor(weatherPlugin());
    expect((await rejection(toolClient.listTools({}))).code).toBe(Code.Unimplemented);
  });
});

describe("servePlugin", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it("listens on PORT in remote mode and stops answering once closed", async () => {
    const probe = await servePlugin(weatherPlugin(), { mode: "remote", port: 0, host: "127.0.0.1", handleSignals: false, logger: silentLogger() });
    const port = probe.port;
    await probe.close();
    process.env.PORT = String(port);
    const server = await servePlugin(weatherPlugin(), { host: "127.0.0.1", handleSignals: false, logger: silentLogger() });
    expect([server.mode, server.port, server.url]).toEqual(["remote", port, `http://127.0.0.1:${port}`]);
    const { plugin: client } = createPluginClients(createNetworkTransport(server.url));
    expect((await client.health({})).status).toBe(Status.SERVING);
    await server.close();
    await server.close(); // idempotent
    const fresh = createPluginClients(createNetworkTransport(server.url));
    const err = await rejection(fresh.plugin.health({}, { timeoutMs: 2000 }));
    expect(err.code, err.message).toBe(Code.Unavailable);
  });

  it("binds all interfaces in remote mode by default", async () => {
    const server = await servePlugin(weatherPlugin(), { port: 0, handleSignals: false, logger: silentLogger() });
    servers.push(server);
    expect(["::", "0.0.0.0"]).toContain(server.host);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
  });

  it("in local mode binds 127.0.0.1 on a free port and writes one handshake line", async () => {
    let output = "";
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        output += chunk.toString();
        callback();
      },
    });
    const server = await servePlugin(weatherPlugin(), { mode: "local", handshakeOutput: sink, handleSignals: false, logger: silentLogger() });
    servers.push(server);
    expect(server.host).toBe("127.0.0.1");
    expect(server.port).toBeGreaterThan(0);
    expect(output).toBe(`1|1|tcp|127.0.0.1:${server.port}|grpc\n`);
    expect(parseHandshake(output)).toEqual({ coreVersion: 1, appVersion: 1, network: "tcp", address: `127.0.0.1:${server.port}`, protocol: "grpc" });
  });

  it("picks local mode from AGENTPLATFORM_PLUGIN and refuses a value it does not know", async () => {
    process.env.AGENTPLATFORM_PLUGIN = "1";
    await expect(servePlugin(weatherPlugin(), { handleSignals: false, logger: silentLogger() })).rejects.toThrow(
      /AGENTPLATFORM_PLUGIN="1": expected "local"/,
    );
    process.env.AGENTPLATFORM_PLUGIN = "local";
    const sink = new Writable({ write: (_c, _e, cb) => cb() });
    const server = await servePlugin(weatherPlugin(), { handshakeOutput: sink, handleSignals: false, logger: silentLogger() });
    servers.push(server);
    expect([server.mode, server.host]).toEqual(["local", "127.0.0.1"]);
  });

  it("refuses a PORT that is not a port number", async () => {
    process.env.PORT = "http";
    await expect(servePlugin(weatherPlugin(), { handleSignals: false, logger: silentLogger() })).rejects.toThrow(/PORT="http" is not a port number/);
  });

  it("lets in-flight calls finish while health watchers see NOT_SERVING, then closes", async () => {
    let release: () => void = () => {};
    let hold = false;
    const plugin = weatherPlugin({
      health: () => (hold ? new Promise<boolean>((resolve) => (release = () => resolve(true))) : true),
    });
    const server = await servePlugin(plugin, { mode: "remote", port: 0, host: "127.0.0.1", handleSignals: false, logger: silentLogger(), shutdownTimeoutMs: 5000 });
    const { plugin: client, health } = createPluginClients(createNetworkTransport(server.url));
    const watch = health.watch({ service: "" })[Symbol.asyncIterator]();
    expect((await watch.next()).value?.status).toBe(Serving.SERVING);
    hold = true;
    const inFlight = client.health({});
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closed = server.close();
    expect((await watch.next()).value?.status).toBe(Serving.NOT_SERVING);
    // Then the watch ends, so it does not hold the shutdown until its deadline.
    expect((await watch.next()).done).toBe(true);
    // The call already running finishes with the plugin's answer.
    release();
    expect((await inFlight).status).toBe(Status.SERVING);
    const started = Date.now();
    await closed;
    expect(Date.now() - started).toBeLessThan(2000);
    const fresh = createPluginClients(createNetworkTransport(server.url));
    expect((await rejection(fresh.health.check({ service: "" }, { timeoutMs: 2000 }))).code).toBe(Code.Unavailable);
  });

  it("keeps providers fixed once served", async () => {
    const plugin = new Plugin({ name: "p", version: "1.0.0", manifest: { description: "d", author: "a" } });
    createInProcessTransport(plugin);
    expect(() => plugin.addProvider(tools())).toThrow(/already served/);
  });
});
