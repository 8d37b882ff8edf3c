import { describe, expect, it } from "vitest";
import { attribute, block, hclString, isHclIdentifier, writeHcl } from "../src/hcl-writer.js";
import { buildHclCheck, hashicorpHcl, skipGo } from "./hashicorp-hcl.js";
import { goSuiteName, pythonSuiteName } from "@agentwire/test-support";
import { decodeHclString, parseHcl, requirePython, skipPython } from "./python.js";

// Strings that break naive writers: quotes, backslashes, control characters, template introducers (and
// their escapes), non-ASCII, astral characters.
const tricky = [
  "",
  "plain",
  'say "hi"',
  "back\\slash \\n not a newline",
  "line1\nline2\r\nline3",
  "tab\there",
  "bell\u0007 nul\u0000 esc\u001b del\u007f",
  "${var.secret}",
  "%{ if true }x%{ endif }",
  "$${already escaped} %%{too}",
  "$ { not a template } % {",
  "trailing $",
  "é ü ß 中文 😀",
  "</script><!-- -->",
];

describe("hclString", () => {
  it("escapes quotes, backslashes and control characters", () => {
    expect(hclString('a"b\\c\nd\re\tf\u0001g\u007f')).toBe('"a\\"b\\\\c\\nd\\re\\tf\\u0001g\\u007f"');
  });

  it("escapes template introducers so a value is never interpolated", () => {
    expect(hclString("${x}")).toBe('"$${x}"');
    expect(hclString("%{x}")).toBe('"%%{x}"');
    expect(hclString("$${x}")).toBe('"$$${x}"');
    expect(hclString("$ {x} $x {")).toBe('"$ {x} $x {"');
  });

  it("keeps non-ASCII text and replaces lone surrogates, which UTF-8 cannot carry", () => {
    expect(hclString("é😀")).toBe('"é😀"');
    expect(hclString("a\ud800b")).toBe('"a\ufffdb"');
  });

  it.each(tricky)("round-trips %j through the HCL spec's decoding", (value) => {
    expect(decodeHclString(hclString(value).slice(1, -1))).toBe(value);
  });
});

describe("writeHcl", () => {
  it("aligns attributes, nests labelled blocks and writes lists, numbers and bools", () => {
    const text = writeHcl([
      block("plugin", ["p"], [
        attribute("version", "1.0.0"),
        attribute("required", true),
        attribute("n", -1.5),
        attribute("options", ["a", "b"]),
        attribute("empty", []),
        attribute("nested", [[1, 2], [true]]),
        block("config_schema", [], [block("field", ["x"], [attribute("type", "string")]), block("field", ["y"], [])]),
        attribute("after", "block"),
      ]),
      block("two", ["a", "b"], []),
    ]);
    expect(text).toBe(
      [
        'plugin "p" {',
        '  version  = "1.0.0"',
        "  required = true",
        "  n        = -1.5",
        '  options  = ["a", "b"]',
        "  empty    = []",
        "  nested   = [[1, 2], [true]]",
        "",
        "  config_schema {",
        '    field "x" {',
        '      type = "string"',
        "    }",
        "",
        '    field "y" {}',
        "  }",
        "",
        '  after = "block"',
        "}",
        "",
        'two "a" "b" {}',
        "",
      ].join("\n"),
    );
  });

  it("refuses names that are not HCL identifiers and numbers HCL cannot write", () => {
    expect(() => writeHcl([attribute("1abc", "x")])).toThrow(/attribute name "1abc" is not an HCL identifier/);
    expect(() => writeHcl([attribute("a b", "x")])).toThrow(/not an HCL identifier/);
    expect(() => writeHcl([block("bad.type", [], [])])).toThrow(/block type "bad.type"/);
    expect(() => writeHcl([attribute("n", Number.NaN)])).toThrow(/must be finite/);
    expect(() => writeHcl([attribute("n", Infinity)])).toThrow(/must be finite/);
  });

  it("knows HCL's identifier rule", () => {
    for (const name of ["a", "_a", "a-b", "a_b1", "é"]) expect(isHclIdentifier(name)).toBe(true);
    for (const name of ["", "1a", "-a", "a.b", "a b", 'a"']) expect(isHclIdentifier(name)).toBe(false);
  });
});

describe.skipIf(skipPython)(pythonSuiteName("writeHcl output parsed by python-hcl2"), () => {
  it("parses, and every tricky string (as a value, a list item and a label) reads back unchanged", async () => {
    requirePython();
    const text = writeHcl(
      tricky.map((value, i) =>
        block("case", [value], [attribute("index", i), attribute("value", value), attribute("list", [value, "x"]), attribute("flag", i % 2 === 0)]),
      ),
    );
    const parsed = (await parseHcl(text)) as { case: Array<Record<string, { index: number; value: string; list: string[]; flag: boolean }>> };
    expect(parsed.case).toHaveLength(tricky.length);
    parsed.case.forEach((entry, i) => {
      const [label, body] = Object.entries(entry)[0]!;
      expect(label).toBe(tricky[i]);
      expect(body).toEqual({ index: i, value: tricky[i], list: [tricky[i], "x"], flag: i % 2 === 0 });
    });
  });
});

describe.skipIf(skipGo)(goSuiteName("writeHcl output read by HashiCorp's HCL (Go)"), () => {
  it("parses, and every tricky string (as a value, a list item and a label) evaluates back unchanged", async () => {
    await buildHclCheck();
    const text = writeHcl(tricky.map((value, i) => block("case", [value], [attribute("index", i), attribute("value", value), attribute("list", [value, "x"])])));
    const parsed = (await hashicorpHcl("generic", text)) as {
      blocks: Array<{ type: string; labels: string[]; body: { attributes: { index: number; value: string; list: string[] } } }>;
    };
    expect(parsed.blocks).toHaveLength(tricky.length);
    parsed.blocks.forEach((b, i) => {
      expect(b.labels).toEqual([tricky[i]]);
      expect(b.body.attributes).toEqual({ index: i, value: tricky[i], list: [tricky[i], "x"] });
    });
  }, 300_000);

  it("is a check with teeth: an unescaped interpolation or a raw newline is refused", async () => {
    await expect(hashicorpHcl("generic", 'a = "${x}"\n')).rejects.toThrow(/Variables not allowed/);
    await expect(hashicorpHcl("generic", 'a = "line\nbreak"\n')).rejects.toThrow(/Unterminated template string|Invalid multi-line string/);
  }, 300_000);
});
