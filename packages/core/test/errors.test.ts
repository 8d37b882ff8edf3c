import { describe, expect, it } from "vitest";
import { AgentwireError, ErrorCode, grpcStatusForCode, httpStatusForCode } from "../src/index.js";

describe("error codes", () => {
  it("map every code to an HTTP status and a gRPC status", () => {
    const codes = Object.values(ErrorCode);
    expect(Object.keys(httpStatusForCode).sort()).toEqual([...codes].sort());
    expect(Object.keys(grpcStatusForCode).sort()).toEqual([...codes].sort());
  });

  it("give 405 and 413 codes of their own, folded into gRPC's unimplemented and resource_exhausted", () => {
    expect(httpStatusForCode.method_not_allowed).toBe(405);
    expect(httpStatusForCode.payload_too_large).toBe(413);
    expect(grpcStatusForCode.method_not_allowed).toBe(grpcStatusForCode.unimplemented);
    expect(grpcStatusForCode.payload_too_large).toBe(grpcStatusForCode.resource_exhausted);
    expect(new AgentwireError("payload_too_large", "too big").code).toBe(ErrorCode.PayloadTooLarge);
  });

  it("list the gRPC-named code first for every gRPC number (reverse lookups take the first)", () => {
    const firstByGrpc = new Map<number, string>();
    for (const [code, grpc] of Object.entries(grpcStatusForCode)) if (!firstByGrpc.has(grpc)) firstByGrpc.set(grpc, code);
    expect(firstByGrpc.get(12)).toBe("unimplemented");
    expect(firstByGrpc.get(8)).toBe("resource_exhausted");
  });
});
