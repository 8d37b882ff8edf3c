// serveGrpc on @grpc/grpc-js (the default transport): connect-style handlers get a HandlerContext whose signal
// aborts only when the client really cancels or the deadline passes (not when a call simply ends), response
// headers and trailers reach the client, errors keep their code, message and metadata, server streams end
// with their status, the message size limit is refused naming the sizes, and a method a table leaves out is
// UNIMPLEMENTED. Clients are connect-node's gRPC transport, as the drivers and the host use.
import { Code, ConnectError, createClient, type HandlerContext } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { afterEach, describe, expect, it } from "vitest";
import { AgentwireError } from "../src/index.js";
import { create, toBinary } from "@bufbuild/protobuf";
import { closeHealthServers, serveHealth } from "./health-on-grpc-js.js";
import { fieldBytesLength, Health, HealthCheckRequestSchema, HealthCheckResponse_ServingStatus, requestBytesOf, serveGrpc, serviceTable } from "../src/grpc/index.js";

afterEach(closeHealthServers);

/** A latch: resolves when `open` is called. */
function latch<T = void>() {
  let open!: (value: T) => void;
  const done = new Promise<T>((resolve) => (open = resolve));
  return { open, done };
}

/** The error a call ended with (a call that succeeded fails the test). */
async function failure(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call;
  } catch (err) {
    return ConnectError.from(err);
  }
  throw new Error("the call succeeded; a refusal was expected");
}

/** A Health server on grpc-js with these handlers, and a connect-node client of it. */
async function start(implementation: Parameters<typeof serviceTable<typeof Health>>[1], maxMessageBytes?: number) {
  const server = await serveHealth(implementation, maxMessageBytes);
  return createClient(Health, createGrpcTransport({ baseUrl: server.url }));
}

describe("serveGrpc on @grpc/grpc-js", () => {
  it("answers a unary call; the handler's headers and trailers reach the client; a call that ends does not abort its signal", async () => {
    let seen: HandlerContext | undefined;
    const client = await start({
      check(req, ctx) {
        seen = ctx;
        ctx.responseHeader.set("x-served-by", "grpc-js");
        ctx.responseTrailer.set("x-checked", req.service);
        expect(ctx.requestHeader.get("x-caller")).toBe("test");
        expect(ctx.timeoutMs()).toBeGreaterThan(0);
        expect([ctx.protocolName, ctx.url]).toEqual(["grpc", "/grpc.health.v1.Health/Check"]);
        return { status: HealthCheckResponse_ServingStatus.SERVING };
      },
    });
    let headers: Headers | undefined;
    let trailers: Headers | undefined;
    const res = await client.check({ service: "svc" }, { headers: { "x-caller": "test" }, timeoutMs: 5000, onHeader: (h) => (headers = h), onTrailer: (t) => (trailers = t) });
    expect(res.status).toBe(HealthCheckResponse_ServingStatus.SERVING);
    expect(headers?.get("x-served-by")).toBe("grpc-js");
    expect(trailers?.get("x-checked")).toBe("svc");
    // The signal was read after the call ended, and grpc-js has closed the stream: still not aborted.
    await new Promise((r) => setTimeout(r, 20));
    expect(seen?.signal.aborted).toBe(false);
  });

  it("aborts the handler's signal when the client cancels, with CANCELED", async () => {
    const entered = latch();
    const aborted = latch<unknown>();
    const client = await start({
      async check(_req, ctx) {
        ctx.signal.addEventListener("abort", () => aborted.open(ctx.signal.reason));
        entered.open();
        await new Promise(() => {});
        return {};
      },
    });
    const controller = new AbortController();
    const call = failure(client.check({}, { signal: controller.signal }));
    await entered.done;
    controller.abort();
    expect((await call).code).toBe(Code.Canceled);
    const reason = await aborted.done;
    expect(reason).toBeInstanceOf(ConnectError);
    expect((reason as ConnectError).code).toBe(Code.Canceled);
  });

  it("aborts the handler's signal at the deadline, with DEADLINE_EXCEEDED, and the client gets DEADLINE_EXCEEDED", async () => {
    const aborted = latch<unknown>();
    const client = await start({
      async check(_req, ctx) {
        ctx.signal.addEventListener("abort", () => aborted.open(ctx.signal.reason));
        await new Promise(() => {});
        return {};
      },
    });
    const err = await failure(client.check({}, { timeoutMs: 100 }));
    expect(err.code).toBe(Code.DeadlineExceeded);
    expect(((await aborted.done) as ConnectError).code).toBe(Code.DeadlineExceeded);
  });

  it("an error keeps its code, message and metadata; a thrown AgentwireError is its gRPC code", async () => {
    const client = await start({
      check(req) {
        if (req.service === "agentwire") throw new AgentwireError("not_found", "no service agentwire here");
        throw new ConnectError("refused: quota", Code.ResourceExhausted, { "x-retry-after": "7" });
      },
    });
    const a = await failure(client.check({ service: "agentwire" }));
    expect([a.code, a.rawMessage]).toEqual([Code.NotFound, "no service agentwire here"]);
    const b = await failure(client.check({ service: "x" }));
    expect([b.code, b.rawMessage, b.metadata.get("x-retry-after")]).toEqual([Code.ResourceExhausted, "refused: quota", "7"]);
  });

  it("streams from the server and ends with the status; an error mid-stream ends it with that error", async () => {
    const client = await start({
      async *watch(req) {
        yield { status: HealthCheckResponse_ServingStatus.SERVING };
        yield { status: HealthCheckResponse_ServingStatus.NOT_SERVING };
        if (req.service === "fail") throw new ConnectError("watch broke", Code.Aborted);
      },
    });
    const statuses: number[] = [];
    for await (const m of client.watch({})) statuses.push(m.status);
    expect(statuses).toEqual([HealthCheckResponse_ServingStatus.SERVING, HealthCheckResponse_ServingStatus.NOT_SERVING]);
    const got: number[] = [];
    const err = await failure(
      (async () => {
        for await (const m of client.watch({ service: "fail" })) got.push(m.status);
      })(),
    );
    expect(got).toHaveLength(2);
    expect([err.code, err.rawMessage]).toEqual([Code.Aborted, "watch broke"]);
  });

  it("refuses a message over maxMessageBytes with RESOURCE_EXHAUSTED naming the sizes, and keeps serving", async () => {
    const client = await start({ check: () => ({ status: HealthCheckResponse_ServingStatus.SERVING }) }, 1024);
    const err = await failure(client.check({ service: "x".repeat(4096) }));
    expect(err.code).toBe(Code.ResourceExhausted);
    expect(err.rawMessage).toMatch(/larger than max \(\d+ vs\.? 1024\)/);
    expect((await client.check({ service: "small" })).status).toBe(HealthCheckResponse_ServingStatus.SERVING);
  });

  it("a method the table leaves out is UNIMPLEMENTED", async () => {
    const client = await start({ check: () => ({}) });
    const err = await failure(
      (async () => {
        for await (const m of client.watch({})) void m;
      })(),
    );
    expect(err.code).toBe(Code.Unimplemented);
  });

  it("refuses an unknown transport naming the option and the environment variable", async () => {
    await expect(serveGrpc([], { defaultPort: 0, defaultHost: "127.0.0.1", transport: "http3" as never })).rejects.toThrow('transport must be "grpc-js" or "connect" (option transport, or AGENTWIRE_GRPC_TRANSPORT); got "http3"');
  });

  it("keeps a unary request's wire bytes on the context: requestBytesOf, and fieldBytesLength reads a field's size off them", async () => {
    let seen: { bytes: Uint8Array | undefined; field: number } | undefined;
    const client = await start({
      check(_req, ctx) {
        const bytes = requestBytesOf(ctx);
        seen = { bytes, field: bytes === undefined ? -1 : fieldBytesLength(bytes, 1) };
        return { status: HealthCheckResponse_ServingStatus.SERVING };
      },
    });
    await client.check({ service: "flyteidl.service.AsyncAgentService" });
    expect(new Uint8Array(seen!.bytes!)).toEqual(toBinary(HealthCheckRequestSchema, create(HealthCheckRequestSchema, { service: "flyteidl.service.AsyncAgentService" })));
    expect(seen?.field).toBe("flyteidl.service.AsyncAgentService".length);
    // Absent fields are 0, repeated occurrences add up, and other wire types are skipped.
    expect(fieldBytesLength(new Uint8Array([0x08, 0x96, 0x01, 0x12, 0x02, 0x61, 0x62, 0x12, 0x01, 0x63]), 2)).toBe(3);
    expect(fieldBytesLength(new Uint8Array([0x08, 0x01]), 2)).toBe(0);
    expect(() => fieldBytesLength(new Uint8Array([0x12, 0x05, 0x61]), 2)).toThrow();
  });

  it("aborts every handler still running at the hard stop with the shutdown reason, and keeps no signal of a finished call", async () => {
    const reasons: ConnectError[] = [];
    const running = [latch(), latch()];
    let calls = 0;
    const server = await serveGrpc(
      [
        serviceTable(Health, {
          check(req, ctx) {
            if (req.service === "quick") {
              void ctx.signal; // a signal made, then the call finishes: the hard stop must not touch it
              return { status: HealthCheckResponse_ServingStatus.SERVING };
            }
            running[calls++]!.open();
            return new Promise((_, reject) => {
              ctx.signal.addEventListener("abort", () => {
                const reason = ConnectError.from(ctx.signal.reason);
                reasons.push(reason);
                reject(reason);
              });
            });
          },
        }),
      ],
      { defaultPort: 0, defaultHost: "127.0.0.1", handleSignals: false, transport: "grpc-js", shutdownTimeoutMs: 50 },
    );
    const client = createClient(Health, createGrpcTransport({ baseUrl: server.url }));
    expect((await client.check({ service: "quick" })).status).toBe(HealthCheckResponse_ServingStatus.SERVING);
    const pending = [failure(client.check({ service: "a" })), failure(client.check({ service: "b" }))];
    await Promise.all(running.map((l) => l.done));
    await server.close();
    await Promise.all(pending);
    expect(reasons).toHaveLength(2);
    expect(new Set(reasons.map((r) => r.code)).size).toBe(1);
    expect(reasons[0]!.rawMessage).toMatch(/shut/i);
  });
});
