// Finding `go`, and the one opt-out.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findGo, goSkipReason, goSuiteName, requireGo, SKIP_GO_ENV } from "../src/index.js";

describe("findGo / requireGo", () => {
  let root = "";
  const dir = (name: string) => join(root, name);
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "agentwire-go-"));
    for (const name of ["empty", "not-executable", "bin", "fallback"]) mkdirSync(dir(name));
    writeFileSync(join(dir("not-executable"), "go"), "#!/bin/sh\n");
    for (const name of ["bin", "fallback"]) {
      writeFileSync(join(dir(name), "go"), "#!/bin/sh\n");
      chmodSync(join(dir(name), "go"), 0o755);
    }
  });
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("takes the first executable go on PATH", () => {
    const PATH = [dir("empty"), dir("not-executable"), dir("bin")].join(":");
    expect(findGo({ PATH }, [join(dir("fallback"), "go")])).toBe(join(dir("bin"), "go"));
    expect(requireGo({ PATH }, [])).toBe(join(dir("bin"), "go"));
  });

  it("falls back to where the installer puts it when PATH has none", () => {
    expect(findGo({ PATH: dir("empty") }, [join(dir("empty"), "go"), join(dir("fallback"), "go")])).toBe(join(dir("fallback"), "go"));
  });

  it("finds none, and requireGo fails naming what is missing, how to fix it and how to skip", () => {
    expect(findGo({ PATH: dir("empty") }, [])).toBeUndefined();
    expect(findGo({}, [])).toBeUndefined();
    expect(() => requireGo({ PATH: dir("empty") }, ["/nonexistent/go"])).toThrow(
      "no `go` on PATH or at /nonexistent/go: the Go interop tests build a checker with it. Install Go 1.25 or newer and put it on PATH, or set AGENTWIRE_SKIP_GO=1 to skip those tests",
    );
  });
});

describe("goSkipReason / goSuiteName", () => {
  it("skips on AGENTWIRE_SKIP_GO=1 and nothing else, naming the reason in the suite", () => {
    expect(SKIP_GO_ENV).toBe("AGENTWIRE_SKIP_GO");
    expect(goSkipReason({ AGENTWIRE_SKIP_GO: "1" })).toBe("AGENTWIRE_SKIP_GO=1");
    for (const value of ["0", "", "true"]) expect(goSkipReason({ AGENTWIRE_SKIP_GO: value })).toBeUndefined();
    expect(goSkipReason({})).toBeUndefined();
    expect(goSuiteName("HCL (Go)", { AGENTWIRE_SKIP_GO: "1" })).toBe("HCL (Go) (skipped: AGENTWIRE_SKIP_GO=1)");
    expect(goSuiteName("HCL (Go)", {})).toBe("HCL (Go)");
  });
});
