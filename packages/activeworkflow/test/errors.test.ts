import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { AgentwireError, CredentialError } from "../src/index.js";

describe("CredentialError", () => {
  it("answers instanceof for itself only: another AgentwireError is not a CredentialError", () => {
    expect(new AgentwireError("not_found", "x") instanceof CredentialError).toBe(false);
    expect(new AgentwireError("failed_precondition", "x") instanceof CredentialError).toBe(false);
    const err = new CredentialError('option "token_credential" is not set');
    expect(err instanceof CredentialError).toBe(true);
    expect(err instanceof AgentwireError).toBe(true);
    expect(err.code).toBe("failed_precondition");
    expect(err.name).toBe("CredentialError");
  });

  it("keeps answering for its subclasses", () => {
    class MissingToken extends CredentialError {}
    expect(new MissingToken("x") instanceof CredentialError).toBe(true);
  });
});

describe("CredentialError across the ESM and CommonJS builds", () => {
  it("is recognised by brand when both builds are loaded, and still only for itself", async () => {
    const cjs = createRequire(import.meta.url)("../dist/index.cjs") as typeof import("../src/index.js");
    const esm = (await import("../dist/index.js"));
    expect(cjs.CredentialError).not.toBe(esm.CredentialError);
    expect(new cjs.CredentialError("x") instanceof esm.CredentialError).toBe(true);
    expect(new esm.CredentialError("x") instanceof cjs.CredentialError).toBe(true);
    expect(new cjs.AgentwireError("not_found", "x") instanceof esm.CredentialError).toBe(false);
  });
});
