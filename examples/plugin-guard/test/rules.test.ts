// The guard's config parsing and redaction, as plain functions.
import { AgentwireError } from "@agentwire/agentplatform";
import { describe, expect, it } from "vitest";
import { compilePattern, compileRules, redact, splitList, splitPatterns } from "../src/index.js";

describe("splitList (deny_tools)", () => {
  it("splits on commas, trims entries and drops empty ones", () => {
    expect(splitList(" shell , ,delete_file ,, ")).toEqual(["shell", "delete_file"]);
    expect(splitList("")).toEqual([]);
    expect(splitList(" , ")).toEqual([]);
  });
});

describe("splitPatterns (redact_patterns)", () => {
  it("splits on the commas between patterns, not those in {m,n}, [...] or escaped", () => {
    expect(splitPatterns("sk-[A-Za-z0-9]{20,}, \\d{3,4}-x ,[,;]+,a\\,b")).toEqual(["sk-[A-Za-z0-9]{20,}", "\\d{3,4}-x", "[,;]+", "a\\,b"]);
    expect(splitPatterns("[\\],]x,y")).toEqual(["[\\],]x", "y"]);
  });

  it("does not let an unclosed [ or { swallow the patterns after it", () => {
    expect(splitPatterns("sk-[, (unclosed, fine")).toEqual(["sk-[", "(unclosed", "fine"]);
    expect(splitPatterns("a{2, b{1,3}, c")).toEqual(["a{2", "b{1,3}", "c"]);
  });

  it("trims entries and drops empty ones", () => {
    expect(splitPatterns("  foo ,, bar  ,")).toEqual(["foo", "bar"]);
    expect(splitPatterns("")).toEqual([]);
  });
});

describe("compilePattern", () => {
  it("is global, Unicode-aware and case-sensitive; a leading (?i) ignores case", () => {
    expect(compilePattern("secret").flags).toBe("gu");
    expect(compilePattern("(?i)secret").flags).toBe("giu");
    expect(compilePattern("(?i)secret").source).toBe("secret");
    expect(() => compilePattern("(?i:secret)")).toThrow(SyntaxError);
  });
});

describe("compileRules", () => {
  it("names every invalid pattern in one INVALID_ARGUMENT", () => {
    try {
      compileRules({ deny_tools: "", redact_patterns: "ok, sk-[, (unclosed, fine" });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(AgentwireError);
      const e = err as AgentwireError;
      expect(e.code).toBe("invalid_argument");
      expect(e.message).toBe(
        'redact_patterns: "sk-[" is not a valid regular expression (Unterminated character class); "(unclosed" is not a valid regular expression (Unterminated group)',
      );
      expect(e.details).toEqual({ fields: { redact_patterns: e.message.slice("redact_patterns: ".length) } });
    }
  });

  it("compiles the deny list and patterns", () => {
    const rules = compileRules({ deny_tools: "shell, delete_file", redact_patterns: "a+, (?i)b" });
    expect([...rules.deniedTools]).toEqual(["shell", "delete_file"]);
    expect(rules.patterns.map(String)).toEqual(["/a+/gu", "/b/giu"]);
  });
});

describe("redact", () => {
  const patterns = ["sk-[A-Za-z0-9]{8,}", "(?i)password=\\S+"].map(compilePattern);

  it("replaces every match of every pattern and counts them", () => {
    expect(redact("keys sk-abcdefgh12 and sk-ZZZZZZZZ, PassWord=hunter2 ok", patterns)).toEqual({
      text: "keys [REDACTED] and [REDACTED], [REDACTED] ok",
      redactions: 3,
    });
  });

  it("leaves text without matches as it is", () => {
    expect(redact("sk-short password", patterns)).toEqual({ text: "sk-short password", redactions: 0 });
  });

  it("turns overlapping matches into one [REDACTED] and does not match inside its own replacement", () => {
    expect(redact("abcdef", ["abcd", "cdef", "RED"].map(compilePattern))).toEqual({ text: "[REDACTED]", redactions: 1 });
    expect(redact("xx abc yy", ["abc", "b"].map(compilePattern))).toEqual({ text: "xx [REDACTED] yy", redactions: 1 });
  });

  it("ignores empty matches", () => {
    expect(redact("hello", [compilePattern("z*")])).toEqual({ text: "hello", redactions: 0 });
    expect(redact("hezzllo", [compilePattern("z*")])).toEqual({ text: "he[REDACTED]llo", redactions: 1 });
  });

  it("matches by code point (the u flag)", () => {
    expect(redact("a😀b", [compilePattern("a.b")])).toEqual({ text: "[REDACTED]", redactions: 1 });
  });
});
