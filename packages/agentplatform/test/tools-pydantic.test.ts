// A tool whose inputSchema is what pydantic v2 generates (`model_json_schema()`: `$defs`, `$ref`, Optional as
// `anyOf` with null, an enum, a recursive model), registered as it is. Calls are checked by the SDK (ajv) and,
// for comparison, by pydantic itself on the same model: both must refuse the same fields.
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { pythonSuiteName } from "@agentwire/test-support";
import { Plugin, type JsonSchema } from "../src/index.js";
import { createPluginDriver, type PluginDriver } from "../src/testing/index.js";
import { TestTools } from "./fixtures.js";
import { packageRoot, requirePython, runPython, skipPython } from "./python.js";

const script = join(packageRoot, "test/interop/pydantic_schema.py");

interface Issue {
  path: string;
  message: string;
}

const valid: Record<string, unknown>[] = [
  {
    recipient: "Ada",
    weight_kg: 2.5,
    address: { street: "1 rue de Rivoli", city: "Paris", postcode: "75001" },
    attachments: [{ name: "invoice.pdf", size_bytes: 1024 }],
    priority: "urgent",
    folder: { name: "root", children: [{ name: "2024", children: [{ name: "may" }] }] },
  },
  { recipient: "Ada", weight_kg: 30, address: null, folder: null },
  { recipient: "Ada", weight_kg: 1, address: { street: "1 Main St", city: "Springfield", postcode: null } },
];

/** Invalid arguments, and the issues the tool answers with. */
const invalid: [Record<string, unknown>, Issue[]][] = [
  [{ weight_kg: 1 }, [{ path: "recipient", message: "required" }]],
  [{ recipient: "Ada", weight_kg: 1, address: { street: "1 Main St" } }, [{ path: "address.city", message: "required" }]],
  [{ recipient: "Ada", weight_kg: 1, address: "Paris" }, [{ path: "address", message: "expected object or null, got string" }]],
  [
    { recipient: "Ada", weight_kg: 1, address: { street: "1 Main St", city: "", postcode: "ABC" } },
    [
      { path: "address.city", message: "must be at least 1 character long" },
      { path: "address.postcode", message: "must match the pattern /^[0-9]{5}$/" },
    ],
  ],
  [
    { recipient: "Ada", weight_kg: 1, attachments: [{ name: "a.txt", size_bytes: 1 }, { name: "b.txt", size_bytes: -1 }, { size_bytes: 2 }] },
    [
      { path: "attachments[1].size_bytes", message: "must be >= 0, got -1" },
      { path: "attachments[2].name", message: "required" },
    ],
  ],
  [{ recipient: "Ada", weight_kg: 1, priority: "asap" }, [{ path: "priority", message: 'must be one of "low", "normal", "urgent", got "asap"' }]],
  [{ recipient: "Ada", weight_kg: 0 }, [{ path: "weight_kg", message: "must be > 0, got 0" }]],
  [{ recipient: "Ada", weight_kg: 31 }, [{ path: "weight_kg", message: "must be <= 30, got 31" }]],
  [{ recipient: "Ada", weight_kg: 1, folder: { name: "root", children: [{ name: "a", children: [{ children: [] }] }] } }, [{ path: "folder.children[0].children[0].name", message: "required" }]],
];

describe.skipIf(skipPython)(pythonSuiteName("a tool whose inputSchema is the JSON Schema pydantic v2 generates"), () => {
  let schema: JsonSchema;
  let driver: PluginDriver;

  beforeAll(async () => {
    requirePython();
    schema = JSON.parse(await runPython([script])) as JsonSchema;
    const tools = new TestTools();
    tools.add("send_parcel", { description: "Sends a parcel", inputSchema: schema }, (input) => ({ sent: input }));
    const plugin = new Plugin({ name: "post", version: "1.0.0", manifest: { description: "Post office", author: "agentwire tests" }, providers: [tools] });
    driver = createPluginDriver({ plugin });
  });

  it("is registered as it is: $defs, $ref and anyOf sent to the platform unchanged", async () => {
    expect(schema.$defs).toHaveProperty("Address");
    expect(JSON.stringify(schema)).toContain('"$ref":"#/$defs/Folder"');
    expect((await driver.listTools())[0]!.parameters).toEqual(schema);
  });

  it("runs the handler with valid arguments, nulls for the Optionals and a recursive folder included", async () => {
    for (const args of valid) expect(await driver.callTool("send_parcel", args)).toEqual({ isError: false, resultJson: JSON.stringify({ sent: args }), result: { sent: args } });
  });

  it("answers is_error naming each bad field, where pydantic refuses the same fields", async () => {
    for (const [args, issues] of invalid) {
      const out = await driver.callTool<{ error: string; issues: Issue[] }>("send_parcel", args);
      expect(out.isError).toBe(true);
      expect(out.result.issues).toEqual(issues);
      expect(out.result.error).toBe(`invalid arguments for tool "send_parcel": ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`);
    }
    // pydantic's loc ("attachments", 1, "size_bytes") is our attachments[1].size_bytes.
    const verdicts = JSON.parse(await runPython([script, "--validate"], { input: JSON.stringify([...valid, ...invalid.map(([args]) => args)]) })) as string[][];
    expect(verdicts).toEqual([...valid.map(() => []), ...invalid.map(([, issues]) => [...new Set(issues.map((i) => i.path.replace(/\[(\d+)\]/g, ".$1")))].sort())]);
  });
});
