// serveGrpc on @grpc/grpc-js called by grpc-go, the official Go client (google.golang.org/grpc), through
// grpcload, the benches' load generator (scripts/bench-kit/grpcload): unary and server-streaming calls
// answered and counted exactly, errors arriving with their gRPC code and message, deadlines reaching the
// handler as DEADLINE_EXCEEDED, and the message size limit refused as RESOURCE_EXHAUSTED. It also holds the
// load generator to its word: what it counts is what the server handled.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { goSkipReason, goSuiteName } from "@agentwire/test-support";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startGrpcLoad, type GrpcLoad } from "../../../scripts/bench-kit/grpcload.mjs";
import { closeHealthServers, serveHealth } from "./health-on-grpc-js.js";
import {
  Health,
  HealthCheckRequestSchema,
  HealthCheckResponse_ServingStatus,
  HealthCheckResponseSchema,
  requestBytesOf,
  serviceTable,
} from "../src/grpc/index.js";

afterEach(closeHealthServers);

/** A Health server on grpc-js with these handlers; its host:port, grpc-go's target. */
async function start(implementation: Parameters<typeof serviceTable<typeof Health>>[1], maxMessageBytes?: number): Promise<string> {
  return new URL((await serveHealth(implementation, maxMessageBytes)).url).host;
}

const check = (service: string) => toBinary(HealthCheckRequestSchema, create(HealthCheckRequestSchema, { service }));

describe.skipIf(goSkipReason() !== undefined)(goSuiteName("serveGrpc on grpc-js, called by grpc-go (grpcload)"), () => {
  let load: GrpcLoad;
  let outDir: string;
  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), "agentwire-grpcload-"));
    load = await startGrpcLoad({ outDir, log: () => {} });
  }, 300_000);
  afterAll(async () => {
    await load?.stop();
    rmSync(outDir, { recursive: true, force: true });
  });

  it("answers unary calls, every one counted: grpc-go's count is the handler's", async () => {
    let handled = 0;
    const target = await start({
      check(req) {
        handled++;
        expect(req.service).toBe("flyteidl.service.AsyncAgentService");
        return { status: HealthCheckResponse_ServingStatus.SERVING };
      },
    });
    const r = await load.cell({ target, method: "/grpc.health.v1.Health/Check", request: check("flyteidl.service.AsyncAgentService"), concurrency: 8, durationMs: 300 });
    expect(r.errors).toBe(0);
    expect(r.calls).toBeGreaterThan(0);
    expect(r.calls).toBe(handled);
    expect(fromBinary(HealthCheckResponseSchema, r.sample!).status).toBe(HealthCheckResponse_ServingStatus.SERVING);
  });

  it("delivers a refusal with its code and message to grpc-go, and counts it as an error, not a call", async () => {
    let handled = 0;
    const target = await start({
      check(req) {
        handled++;
        throw new ConnectError(`no service named ${req.service}: ask for one of flyteidl.service.AsyncAgentService`, Code.NotFound);
      },
    });
    const r = await load.cell({ target, method: "/grpc.health.v1.Health/Check", request: check("acme.Nope"), concurrency: 4, durationMs: 200 });
    expect(r.calls).toBe(0);
    expect(r.errors).toBe(handled);
    expect(r.errorsByCode).toEqual({ NotFound: handled });
    expect(r.firstError).toBe("NotFound: no service named acme.Nope: ask for one of flyteidl.service.AsyncAgentService");
  });

  it("streams from the server to the end: every message and the final status reach grpc-go", async () => {
    const target = await start({
      async *watch() {
        yield { status: HealthCheckResponse_ServingStatus.NOT_SERVING };
        yield { status: HealthCheckResponse_ServingStatus.SERVING };
        yield { status: HealthCheckResponse_ServingStatus.SERVING };
      },
    });
    const r = await load.cell({ target, method: "/grpc.health.v1.Health/Watch", request: check(""), stream: "server", concurrency: 4, durationMs: 200 });
    expect(r.errors).toBe(0);
    expect(r.calls).toBeGreaterThan(0);
    expect(r.units).toBe(3 * r.calls);
    expect(r.firstEventP50Ms).toBeGreaterThan(0);
    expect(fromBinary(HealthCheckResponseSchema, r.sample!).status).toBe(HealthCheckResponse_ServingStatus.SERVING);
  });

  it("passes grpc-go's deadline to the handler: its signal aborts with DEADLINE_EXCEEDED and grpc-go sees DeadlineExceeded", async () => {
    const reasons: Code[] = [];
    let started = 0;
    const target = await start({
      check(_req, ctx) {
        started++;
        return new Promise((_, reject) => {
          ctx.signal.addEventListener("abort", () => {
            const reason = ConnectError.from(ctx.signal.reason);
            reasons.push(reason.code);
            reject(reason);
          });
        });
      },
    });
    const r = await load.cell({ target, method: "/grpc.health.v1.Health/Check", request: check(""), concurrency: 2, durationMs: 50, timeoutMs: 150 });
    expect(r.calls).toBe(0);
    expect(r.errorsByCode).toEqual({ DeadlineExceeded: started });
    await vi.waitFor(() => expect(reasons).toHaveLength(started));
    expect(new Set(reasons)).toEqual(new Set([Code.DeadlineExceeded]));
  });

  it("refuses bytes that are not the method's request with INTERNAL naming the message type; the handler never runs", async () => {
    let handled = 0;
    const target = await start({
      check(req, ctx) {
        handled++;
        // The bytes as they came off the wire are on the context: the same message, unserialised.
        expect(new Uint8Array(requestBytesOf(ctx)!)).toEqual(check(req.service));
        return { status: HealthCheckResponse_ServingStatus.SERVING };
      },
    });
    // Field 1 (service, a string) claiming 50 bytes where 2 follow.
    const r = await load.cell({ target, method: "/grpc.health.v1.Health/Check", request: new Uint8Array([0x0a, 50, 0x61, 0x62]), concurrency: 1, durationMs: 50 });
    expect(r.calls).toBe(0);
    expect(r.errorsByCode).toEqual({ Internal: r.errors });
    expect(r.firstError).toMatch(/^Internal: Error deserializing request: grpc\.health\.v1\.HealthCheckRequest: .+/);
    expect(handled).toBe(0);
    const ok = await load.cell({ target, method: "/grpc.health.v1.Health/Check", request: check("acme.Greeter"), concurrency: 1, durationMs: 50 });
    expect(ok.errors).toBe(0);
    expect(ok.calls).toBe(handled);
  });

  it("refuses a request over maxMessageBytes with RESOURCE_EXHAUSTED naming both sizes; the server keeps serving", async () => {
    let handled = 0;
    const target = await start(
      {
        check() {
          handled++;
          return { status: HealthCheckResponse_ServingStatus.SERVING };
        },
      },
      64,
    );
    const big = check("x".repeat(200));
    const r = await load.cell({ target, method: "/grpc.health.v1.Health/Check", request: big, concurrency: 1, durationMs: 50 });
    expect(r.errorsByCode).toEqual({ ResourceExhausted: r.errors });
    expect(r.firstError).toBe(`ResourceExhausted: Received message larger than max (${big.byteLength} vs 64)`);
    expect(handled).toBe(0);
    const ok = await load.cell({ target, method: "/grpc.health.v1.Health/Check", request: check("small"), concurrency: 1, durationMs: 50 });
    expect(ok.errors).toBe(0);
    expect(ok.calls).toBe(handled);
  });
});
