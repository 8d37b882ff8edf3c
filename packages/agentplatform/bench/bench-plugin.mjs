// The plugin under test, written with the SDK's public API as an author would: one tool, `add {a, b}`,
// whose handler returns a + b, and an LLM provider whose `complete` emits DELTAS small text deltas, then
// the usage and the finish. A second tool, `add_json`, does the same with a plain JSON Schema input
// (validated by the package's own JSON Schema subset) instead of zod.
import { Plugin, ToolRegistry, createLLMProvider } from "@agentwire/agentplatform";
import { z } from "zod";
import { DELTAS, USAGE, deltaTexts } from "./workload.mjs";

export function createBenchPlugin({ deltas = DELTAS, generator = false } = {}) {
  const plugin = new Plugin({
    name: "bench",
    version: "0.1.0",
    manifest: { description: "agentwire's benchmark plugin: add {a, b} and a canned completion", author: "agentwire bench" },
  });
  const tools = new ToolRegistry(plugin);
  tools.registerTool(
    "add",
    { description: "Adds two numbers", inputSchema: z.object({ a: z.number(), b: z.number() }) },
    ({ a, b }) => a + b,
  );
  tools.registerTool(
    "add_json",
    {
      description: "Adds two numbers (JSON Schema input)",
      inputSchema: { type: "object", properties: { a: { type: "number" }, b: { type: "number" } }, required: ["a", "b"] },
    },
    ({ a, b }) => a + b,
  );
  plugin.addProvider(tools);
  const texts = deltaTexts(deltas);
  plugin.addProvider(
    createLLMProvider({
      complete: generator
        ? async function* () {
            for (const text of texts) yield { type: "text", text };
            yield { type: "usage", ...USAGE };
            yield { type: "finish" };
          }
        : (_request, { emit }) => {
            for (const text of texts) emit.text(text);
            emit.usage(USAGE);
            emit.finish();
          },
    }),
  );
  return plugin;
}
