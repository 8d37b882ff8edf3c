import { createServer } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { createClient, createRouterTransport } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { AgentwireError, CallTracker, checkPort, connectUrl, nodeServerTransport, portFromEnv, resolveListenAddress, startServer } from "../src/index.js";
import { GrpcHealth, Health, HealthCheckResponse_ServingStatus, routesFor, serveGrpc } from "../src/grpc/index.js";

function latch<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const savedEnv = { PORT: process.env.PORT, HOST: process.env.HOST };
afterEach(() => {
  for (const [key, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

describe("listen address", () => {
  it("reads PORT as decimal digits only, naming the variable and the value when it is anything else", () => {
    expect(portFromEnv("PORT", { PORT: "8080" })).toBe(8080);
    expect(portFromEnv("PORT", { PORT: "0" })).toBe(0);
    expect(portFromEnv("PORT", { PORT: "" })).toBeUndefined();
    expect(portFromEnv("PORT", {})).toBeUndefined();
    for (const bad of ["0x1F", "1e3", "80.5", " 80", "-1", "65536", "http"]) {
      expect(() => portFromEnv("PORT", { PORT: bad }), bad).toThrow(AgentwireError);
      expect(() => portFromEnv("PORT", { PORT: bad }), bad).toThrow(`PORT=${JSON.stringify(bad)} is not a port number`);
    }
    expect(() => checkPort(70000, "port")).toThrow('port=70000 is not a port number: use decimal digits from 0 to 65535');
  });

  it("takes the option, then PORT and HOST, then the protocol's default", () => {
    delete process.env.PORT;
    delete process.env.HOST;
    expect(resolveListenAddress({ defaultPort: 8000, defaultHost: "::" })).toEqual({ port: 8000, host: "::" });
    process.env.PORT = "9001";
    process.env.HOST = "127.0.0.1";
    expect(resolveListenAddress({ defaultPort: 8000, defaultHost: "::" })).toEqual({ port: 9001, host: "127.0.0.1" });
    expect(resolveListenAddress({ port: 0, host: "::1", defaultPort: 8000, defaultHost: "::" })).toEqual({ port: 0, host: "::1" });
    expect(resolveListenAddress({ defaultPort: 0, defaultHost: "127.0.0.1", fromEnv: { port: false, host: false } })).toEqual({ port: 0, host: "127.0.0.1" });
  });

  it("shows a wildcard bind as 127.0.0.1 and IPv6 in brackets", () => {
    expect(connectUrl("http", "0.0.0.0", 80)).toBe("http://127.0.0.1:80");
    expect(connectUrl("http", "::", 80)).toBe("http://127.0.0.1:80");
    expect(connectUrl("https", "::1", 443)).toBe("https://[::1]:443");
    expect(connectUrl("http", "127.0.0.1", 1)).toBe("http://127.0.0.1:1");
  });
});

describe("startServer", () => {
  it("binds, reports the URL, and closes once (every close() returns the same promise)", async () => {
    const server = await startServer({
      defaultPort: 0,
      defaultHost: "0.0.0.0",
      handleSignals: false,
      transport: () => {
        // Counted, so close() cuts fetch's kept-alive connection as soon as the call is answered.
        const calls = new CallTracker();
        return nodeServerTransport(createServer(calls.wrap((_req, res) => res.end("ok"))), { calls });
      },
    });
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    const res = await fetch(server.url);
    expect(await res.text()).toBe("ok");
    const first = server.close();
    expect(server.close()).toBe(first);
    await first;
    await expect(fetch(server.url)).rejects.toThrow();
  });

  it("drains health first, then aborts the handlers still running at the end of the grace period", async () => {
    const order: string[] = [];
    let handlerSignal: AbortSignal | undefined;
    const started = latch();
    const server = await startServer({
      defaultPort: 0,
      defaultHost: "127.0.0.1",
      handleSignals: false,
      shutdownTimeoutMs: 50,
      cutGraceMs: 50,
      onDraining: () => order.push("draining"),
      transport: (shutdownSignal) => {
        handlerSignal = shutdownSignal;
        shutdownSignal.addEventListener("abort", () => order.push("aborted"));
        // A handler that never answers by itself: only the cut ends it.
        return nodeServerTransport(createServer(() => started.resolve()));
      },
    });
    const pending = fetch(server.url).catch(() => "cut");
    await started.promise;
    await server.close();
    expect(await pending).toBe("cut");
    expect(order).toEqual(["draining", "aborted"]);
    expect(handlerSignal?.reason).toBeInstanceOf(AgentwireError);
  });
});

describe("serveGrpc and grpc.health.v1", () => {
  it("ends an open Watch on drain, so shutdown does not wait out its deadline", async () => {
    const health = new GrpcHealth({ services: [Health.typeName] });
    // A deadline far longer than the test's own timeout: close() resolves only if the Watch ends by itself.
    const server = await serveGrpc([health.table], { defaultPort: 0, defaultHost: "127.0.0.1", handleSignals: false, health, shutdownTimeoutMs: 600_000 });
    const client = createClient(Health, createGrpcTransport({ baseUrl: server.url }));
    expect((await client.check({ service: "" })).status).toBe(HealthCheckResponse_ServingStatus.SERVING);
    const seen: HealthCheckResponse_ServingStatus[] = [];
    const firstAnswer = latch();
    const watching = (async () => {
      for await (const res of client.watch({ service: Health.typeName })) {
        seen.push(res.status);
        firstAnswer.resolve();
      }
    })();
    await firstAnswer.promise;
    await server.close();
    await watching;
    expect(seen).toEqual([HealthCheckResponse_ServingStatus.SERVING, HealthCheckResponse_ServingStatus.NOT_SERVING]);
  });

  it("refuses a maxMessageBytes that is not a positive whole number, naming the option", async () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      await expect(serveGrpc([], { defaultPort: 0, defaultHost: "127.0.0.1", handleSignals: false, maxMessageBytes: bad })).rejects.toThrow(
        `maxMessageBytes must be a positive whole number of bytes, e.g. 4194304; got ${String(bad)}`,
      );
    }
  });

  it("answers NOT_FOUND naming the known services, and NOT_SERVING while the probe says so", async () => {
    let ok = true;
    const health = new GrpcHealth({ services: ["acme.Greeter"], probe: () => ok });
    const server = await serveGrpc([health.table], { defaultPort: 0, defaultHost: "127.0.0.1", handleSignals: false, health });
    try {
      const client = createClient(Health, createGrpcTransport({ baseUrl: server.url }));
      await expect(client.check({ service: "nope" })).rejects.toThrow('unknown service "nope"; known: "", acme.Greeter');
      ok = false;
      expect((await client.check({ service: "acme.Greeter" })).status).toBe(HealthCheckResponse_ServingStatus.NOT_SERVING);
      const listed = await client.list({});
      expect(Object.keys(listed.statuses).sort()).toEqual(["", "acme.Greeter"]);
    } finally {
      await server.close();
    }
  });
});

describe("GrpcHealth Watch and a drain that begins while the probe is asked", () => {
  it("still sends NOT_SERVING before the stream ends", async () => {
    const probeAsked = latch();
    const answer = latch<boolean>();
    let calls = 0;
    const health = new GrpcHealth({
      services: [],
      probe: () => {
        calls += 1;
        if (calls > 1) return true;
        probeAsked.resolve();
        return answer.promise;
      },
    });
    const client = createClient(Health, createRouterTransport(routesFor([health.table])));
    const seen: HealthCheckResponse_ServingStatus[] = [];
    const watching = (async () => {
      for await (const res of client.watch({ service: "" })) seen.push(res.status);
    })();
    await probeAsked.promise;
    health.drain();
    answer.resolve(true); // the probe's answer, given before the drain, says SERVING
    await watching;
    expect(seen.at(-1)).toBe(HealthCheckResponse_ServingStatus.NOT_SERVING);
  });
});
