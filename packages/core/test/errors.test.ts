import { describe, expect, it } from "vitest";
import { AgentwireError, ErrorCode, grpcStatusForCode, httpStatusForCode, isBrandedInstance } from "../src/index.js";

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

describe("instanceof", () => {
  class PlainChild extends AgentwireError {}
  class BrandedChild extends AgentwireError {
    static override readonly brand: string = "test.BrandedChild";
    constructor(message: string) {
      super("failed_precondition", message);
    }
  }
  class BrandedGrandchild extends BrandedChild {
    static override readonly brand: string = "test.BrandedGrandchild";
  }

  it("answers for the class itself and its subclasses only", () => {
    const base = new AgentwireError("not_found", "x");
    expect(base instanceof AgentwireError).toBe(true);
    expect(base instanceof BrandedChild).toBe(false);
    expect(base instanceof PlainChild).toBe(false);
    expect(base instanceof BrandedGrandchild).toBe(false);
    const child = new BrandedChild("y");
    expect(child instanceof AgentwireError).toBe(true);
    expect(child instanceof BrandedChild).toBe(true);
    expect(child instanceof BrandedGrandchild).toBe(false);
    const grandchild = new BrandedGrandchild("z");
    expect([grandchild instanceof AgentwireError, grandchild instanceof BrandedChild, grandchild instanceof BrandedGrandchild]).toEqual([true, true, true]);
    expect(new PlainChild("not_found", "p") instanceof PlainChild).toBe(true);
    expect(new PlainChild("not_found", "p") instanceof BrandedChild).toBe(false);
    expect(new Error("plain") instanceof AgentwireError).toBe(false);
    expect((null as unknown) instanceof AgentwireError).toBe(false);
  });

  it("holds across duplicate copies of a class (an ESM and a CJS build both loaded)", () => {
    // A second copy of the class: same brand, different identity, as a CJS build of the package would be.
    const copy = class AgentwireErrorCopy extends Error {};
    Object.defineProperty(copy, "brand", { value: AgentwireError.brand });
    Object.defineProperty(copy, Symbol.hasInstance, { value: (v: unknown) => isBrandedInstance(copy, v) });
    expect(new AgentwireError("internal", "from the other copy") instanceof copy).toBe(true);
    expect(new Error("x") instanceof copy).toBe(false);
  });

  it("keeps the brand out of a logged or serialized error", () => {
    const err = new BrandedChild("quota");
    expect(Object.keys(err).sort()).toEqual(["code", "details", "name"]);
    expect(Object.getOwnPropertySymbols(err).every((s) => !Object.getOwnPropertyDescriptor(err, s)!.enumerable)).toBe(true);
    expect(JSON.stringify(err)).not.toContain("brand");
  });
});
