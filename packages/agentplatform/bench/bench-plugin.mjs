// The plugin under test, written with the SDK's public API as an author would: a ToolProvider with one
// tool, `add {a, b}`, whose handler returns a + b, and an LLMProvider whose `complete` emits DELTAS small
// text deltas, then the usage and the finish. A second tool, `add_json`, does the same with a plain JSON
// Schema input (validated by the package's JSON Schema validator) instead of zod.
import { LLMProvider, Plugin, ToolProvider } from "@agentwire/agentplatform";
import { z } from "zod";
import { DELTAS, USAGE, deltaTexts } from "./workload.mjs";

class BenchTools extends ToolProvider {
  add = this.tool("add", { description: "Adds two numbers", inputSchema: z.object({ a: z.number(), b: z.number() }) }, ({ a, b }) => a + b);
  addJson = this.tool(
    "add_json",
    {
      description: "Adds two numbers (JSON Schema input)",
      inputSchema: { type: "object", properties: { a: { type: "number" }, b: { type: "number" } }, required: ["a", "b"] },
    },
    ({ a, b }) => a + b,
  );
}

/** `complete` with the emitter. */
class BenchLLM extends LLMProvider {
  constructor(texts) {
    super();
    this.texts = texts;
  }

  complete(_request, { emit }) {
    for (const text of this.texts) emit.text(text);
    emit.usage(USAGE);
    emit.finish();
  }
}

/** `complete` as an async generator. */
class BenchGeneratorLLM extends LLMProvider {
  constructor(texts) {
    super();
    this.texts = texts;
  }

  async *complete() {
    for (const text of this.texts) yield { type: "text", text };
    yield { type: "usage", ...USAGE };
    yield { type: "finish" };
  }
}

export function createBenchPlugin({ deltas = DELTAS, generator = false } = {}) {
  const texts = deltaTexts(deltas);
  return new Plugin({
    name: "bench",
    version: "0.1.0",
    manifest: { description: "agentwire's benchmark plugin: add {a, b} and a canned completion", author: "agentwire bench" },
    providers: [new BenchTools(), generator ? new BenchGeneratorLLM(texts) : new BenchLLM(texts)],
  });
}
