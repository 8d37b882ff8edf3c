// The tools provider in process: what ListTools sends, what ExecuteTool answers for every kind of call
// (numbers included: arguments and results are lossless JSON), and what declaring a tool refuses.
import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { AgentwireError, LosslessNumber, type JsonObject, type StandardSchemaV1 } from "@agentwire/core";
import { Code, ConnectError } from "@connectrpc/connect";
import { Capability, defineConfigSchema, Plugin, ToolProvider, type JsonSchema, type ToolContext } from "../src/index.js";
import { createPluginDriver } from "../src/testing/index.js";
import { jsonSchemaProblems, validateJsonSchema } from "../src/tools/json-schema.js";
import { capturingLogger, refusalSync as refusal, TestHook, TestTools } from "./fixtures.js";

const filesConfig = defineConfigSchema({ root: { type: "string", required: true }, max_bytes: { type: "number", default: 100 } });

function filesPlugin(tools: ToolProvider<typeof filesConfig>) {
  return new Plugin({
    name: "files",
    version: "1.0.0",
    manifest: { description: "Files", author: "agentwire tests", configSchema: filesConfig },
    providers: [tools],
  });
}

/** A plugin with the tools `setup` declares, and an in-process driver for it. */
function withTools(setup: (tools: TestTools<typeof filesConfig>) => void, options: { logs?: string[] } = {}) {
  const tools = new TestTools<typeof filesConfig>();
  setup(tools);
  const plugin = filesPlugin(tools);
  const driver = createPluginDriver(options.logs ? { plugin, logger: capturingLogger(options.logs) } : { plugin });
  return { plugin, tools, driver, client: driver.clients.tools };
}

/** The ConnectError `promise` rejects with. */
async function connectError(promise: Promise<unknown>): Promise<ConnectError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ConnectError);
    return err as ConnectError;
  }
  throw new Error("expected a ConnectError");
}

const readFileArgs = z.object({
  path: z.string().min(1).describe("Path relative to the root"),
  encoding: z.enum(["utf8", "base64"]).default("utf8"),
});

const searchArgs = {
  type: "object",
  properties: {
    pattern: { type: "string", minLength: 1, description: "Text to look for" },
    path: { type: "string" },
    limit: { type: "integer", minimum: 1, maximum: 100 },
    options: { type: "object", properties: { case_sensitive: { type: "boolean" } }, required: ["case_sensitive"], additionalProperties: false },
  },
  required: ["pattern"],
  additionalProperties: false,
} as const satisfies JsonSchema;

function registerBoth(tools: TestTools<typeof filesConfig>) {
  tools.add("read_file", { description: "Reads a file", inputSchema: readFileArgs }, (input) => ({ read: input }));
  tools.add("search_files", { description: "Searches files", inputSchema: searchArgs }, (input) => ({ searched: input }));
}

describe("ListTools", () => {
  it("describes each tool with an object-rooted JSON Schema, in registration order", async () => {
    const { client, driver } = withTools((tools) => {
      registerBoth(tools);
      tools.add("ping", { description: "Answers pong" }, () => "pong");
      tools.add("bare", { description: "Root without type", inputSchema: { properties: { n: { type: "number" } } } }, () => null);
    });
    const res = await client.listTools({});
    expect(res.tools.map((t) => t.name)).toEqual(["read_file", "search_files", "ping", "bare"]);
    const listed = await driver.listTools();
    for (const tool of listed) expect(tool.parameters.type).toBe("object");
    expect(listed[0]).toEqual({
      name: "read_file",
      description: "Reads a file",
      parameters: {
        type: "object",
        properties: {
          path: { type: "string", minLength: 1, description: "Path relative to the root" },
          encoding: { type: "string", enum: ["utf8", "base64"], default: "utf8" },
        },
        required: ["path"],
      },
    });
    // zod's `$schema` is dropped: the platform hands the schema to LLM APIs, some of which refuse unknown keywords.
    expect(res.tools[0]!.parametersJsonSchema).not.toContain("$schema");
    expect(listed[1]!.parameters).toEqual(searchArgs);
    expect(listed[2]!.parameters).toEqual({ type: "object", properties: {} });
    expect(listed[3]!.parameters).toEqual({ type: "object", properties: { n: { type: "number" } } });
  });

  it("sends an explicit jsonSchema as given while the Standard Schema validates", async () => {
    const explicit = { type: "object", properties: { path: { type: "string", description: "hand-written" } }, required: ["path"] } as const;
    const { driver } = withTools((tools) =>
      tools.add("read_file", { description: "Reads", inputSchema: z.object({ path: z.string().max(3) }), jsonSchema: explicit }, ({ path }) => path),
    );
    expect((await driver.listTools())[0]!.parameters).toEqual(explicit);
    expect(await driver.callTool("read_file", { path: "toolong" })).toMatchObject({
      isError: true,
      result: { error: expect.stringMatching(/^invalid arguments for tool "read_file": path: Too big/) as unknown },
    });
  });

  it("is what Register's TOOL_PROVIDER capability stands for", async () => {
    const tools = new TestTools<typeof filesConfig>();
    registerBoth(tools);
    const plugin = new Plugin({
      name: "files",
      version: "1.0.0",
      manifest: { description: "Files", author: "agentwire tests", configSchema: filesConfig },
      providers: [new TestHook(), tools],
    });
    const res = await createPluginDriver({ plugin }).register({ config: { root: "/srv" } });
    expect(res.capabilities).toEqual([Capability.TOOL_PROVIDER, Capability.LIFECYCLE_HOOK]);
  });

  it("lists tools declared in the class body, in declaration order", async () => {
    class FileTools extends ToolProvider<typeof filesConfig> {
      readFile = this.tool("read_file", { description: "Reads", inputSchema: z.object({ path: z.string() }) }, ({ path }, { config }) => `${config.root}/${path}`);
      root = this.tool("root", { description: "The root" }, (_args, { config }) => config.root);
    }
    const tools = new FileTools();
    expect(tools.readFile).toMatchObject({ name: "read_file", description: "Reads" });
    expect(tools.tools.map((t) => t.name)).toEqual(["read_file", "root"]);
    const driver = createPluginDriver({ plugin: filesPlugin(tools) });
    expect((await driver.listTools()).map((t) => t.name)).toEqual(["read_file", "root"]);
    await driver.register({ config: { root: "/srv" } });
    expect((await driver.callTool("read_file", { path: "a.txt" })).result).toBe("/srv/a.txt");
  });
});

describe("ExecuteTool", () => {
  it("validates with the zod schema and answers the handler's value (zod's output: defaults applied) as result_json", async () => {
    const { client } = withTools(registerBoth);
    const res = await client.executeTool({ name: "read_file", argumentsJson: '{"path":"a.txt"}' });
    expect(res).toMatchObject({ isError: false, resultJson: '{"read":{"path":"a.txt","encoding":"utf8"}}' });
  });

  it("validates with the JSON Schema and hands the arguments over as sent", async () => {
    const { driver } = withTools(registerBoth);
    const args = { pattern: "TODO", limit: 5, options: { case_sensitive: true } };
    expect(await driver.callTool("search_files", args)).toEqual({ isError: false, resultJson: JSON.stringify({ searched: args }), result: { searched: args } });
  });

  it('counts "" (and whitespace) as {}', async () => {
    const { client, driver } = withTools((tools) => {
      registerBoth(tools);
      tools.add("ping", { description: "Answers pong" }, (input) => ({ pong: input }));
    });
    expect(await client.executeTool({ name: "ping", argumentsJson: "" })).toMatchObject({ isError: false, resultJson: '{"pong":{}}' });
    expect(await client.executeTool({ name: "ping", argumentsJson: " \n" })).toMatchObject({ isError: false, resultJson: '{"pong":{}}' });
    const missing = await client.executeTool({ name: "read_file", argumentsJson: "" });
    expect(missing.isError).toBe(true);
    expect(JSON.parse(missing.resultJson)).toEqual({
      error: 'invalid arguments for tool "read_file": path: required (Invalid input: expected string, received undefined)',
      issues: [{ path: "path", message: "required (Invalid input: expected string, received undefined)" }],
    });
    expect(await driver.callTool("search_files")).toEqual({
      isError: true,
      resultJson: expect.any(String) as unknown,
      result: { error: 'invalid arguments for tool "search_files": pattern: required', issues: [{ path: "pattern", message: "required" }] },
    });
  });

  it("answers is_error for arguments that are not JSON, or not an object", async () => {
    const { client } = withTools(registerBoth);
    const notJson = await client.executeTool({ name: "read_file", argumentsJson: '{"path": ' });
    expect(notJson.isError).toBe(true);
    expect((JSON.parse(notJson.resultJson) as { error: string }).error).toMatch(/^invalid arguments for tool "read_file": arguments_json is not valid JSON \(.+\)$/);
    for (const [json, kind] of [
      ["[1]", "an array"],
      ["null", "null"],
      ['"a.txt"', "a string"],
      ["42", "a number"],
    ]) {
      const res = await client.executeTool({ name: "search_files", argumentsJson: json });
      expect(res.isError).toBe(true);
      expect(JSON.parse(res.resultJson)).toEqual({
        error: `invalid arguments for tool "search_files": the arguments must be a JSON object of named values, got ${kind}`,
      });
    }
  });

  it("names every bad or missing argument, nested ones by path", async () => {
    const { driver } = withTools(registerBoth);
    const out = await driver.callTool<{ error: string; issues: { path: string; message: string }[] }>("search_files", {
      pattern: "",
      limit: 1.5,
      options: { verbose: true },
      extra: 1,
    });
    expect(out.isError).toBe(true);
    // In ajv's order: an object's unexpected properties before its properties' own issues.
    expect(out.result.issues).toEqual([
      { path: "extra", message: "unexpected property (allowed: pattern, path, limit, options)" },
      { path: "pattern", message: "must be at least 1 character long" },
      { path: "limit", message: "expected integer, got number" },
      { path: "options.case_sensitive", message: "required" },
      { path: "options.verbose", message: "unexpected property (allowed: case_sensitive)" },
    ]);
    expect(out.result.error).toBe(
      'invalid arguments for tool "search_files": extra: unexpected property (allowed: pattern, path, limit, options); ' +
        "pattern: must be at least 1 character long; limit: expected integer, got number; " +
        "options.case_sensitive: required; options.verbose: unexpected property (allowed: case_sensitive)",
    );
    const zodOut = await driver.callTool<{ error: string }>("read_file", { path: 7, encoding: "latin1" });
    expect(zodOut.result.error).toMatch(/^invalid arguments for tool "read_file": path: Invalid input: expected string, received number; encoding: Invalid option/);
  });

  it("answers is_error with the message of a handler's exception, and logs it with its stack", async () => {
    const logs: string[] = [];
    const { client, driver } = withTools(
      (tools) => {
        tools.add("explode", { description: "Fails" }, () => {
          throw new Error("disk on fire: /var/data");
        });
        tools.add("reject", { description: "Fails later" }, async () => {
          await Promise.resolve();
          throw new AgentwireError("not_found", 'no file "a.txt"');
        });
        tools.add("throw_string", { description: "Throws a non-error" }, () => {
          // eslint-disable-next-line @typescript-eslint/only-throw-error -- what careless handler code does
          throw "plain string";
        });
      },
      { logs },
    );
    expect(await client.executeTool({ name: "explode", argumentsJson: "{}" })).toMatchObject({ isError: true, resultJson: '{"error":"disk on fire: /var/data"}' });
    expect(await driver.callTool("reject", {})).toMatchObject({ isError: true, result: { error: 'no file "a.txt"' } });
    expect(await driver.callTool("throw_string", {})).toMatchObject({ isError: true, result: { error: "plain string" } });
    const failure = logs.map((l) => JSON.parse(l) as { msg: string; tool?: string; level: number; err?: { stack: string } }).find((l) => l.msg.startsWith("tool explode failed"));
    expect(failure).toMatchObject({ tool: "explode", level: 40, msg: "tool explode failed: disk on fire: /var/data" });
    expect(failure?.err?.stack).toContain("tools.test.ts");
  });

  it("encodes any JSON value: a string as a JSON string, undefined as null, a bigint exactly", async () => {
    const values: Record<string, unknown> = { text: "done", nothing: undefined, zero: 0, list: [1, "a", null], flag: false, nul: null };
    const { client, driver } = withTools((tools) => {
      for (const [name, value] of Object.entries(values)) tools.add(name, { description: name }, () => value);
      tools.add("async_text", { description: "async" }, async () => Promise.resolve("later"));
      tools.add("bigint", { description: "exact" }, () => ({ n: 2n ** 64n - 1n, ratio: new LosslessNumber("1.0") }));
      tools.add("fn", { description: "no JSON form" }, () => () => 1);
    });
    const results = Object.fromEntries(
      await Promise.all(Object.keys(values).map(async (name) => [name, (await client.executeTool({ name, argumentsJson: "{}" })).resultJson])),
    );
    expect(results).toEqual({ text: '"done"', nothing: "null", zero: "0", list: '[1,"a",null]', flag: "false", nul: "null" });
    expect((await client.executeTool({ name: "async_text", argumentsJson: "" })).resultJson).toBe('"later"');
    expect((await client.executeTool({ name: "bigint", argumentsJson: "" })).resultJson).toBe('{"n":18446744073709551615,"ratio":1.0}');
    expect(await driver.callTool("fn", {})).toMatchObject({
      isError: true,
      result: { error: 'tool "fn" returned a value that cannot be sent as JSON: a function has no JSON form' },
    });
  });

  it("answers NOT_FOUND for a tool it does not have, naming the tools it has", async () => {
    const { client, driver } = withTools(registerBoth);
    const err = await connectError(client.executeTool({ name: "delete_everything", argumentsJson: "{}" }));
    expect(err.code).toBe(Code.NotFound);
    expect(err.rawMessage).toBe('plugin "files" has no tool "delete_everything" (its tools: read_file, search_files)');
    expect((await connectError(driver.callTool("", {}))).code).toBe(Code.NotFound);
    const empty = withTools(() => {});
    expect((await connectError(empty.client.executeTool({ name: "x", argumentsJson: "" }))).rawMessage).toBe('plugin "files" has no tool "x" (it has no tools)');
  });

  it("gives handlers the typed config and env of the last Register, and refuses with FAILED_PRECONDITION before it", async () => {
    const { client, driver } = withTools((tools) =>
      tools.add("where", { description: "Where the root is" }, (_input, { config, env, tool }) => {
        expectTypeOf(config.root).toEqualTypeOf<string>();
        expectTypeOf(config.max_bytes).toEqualTypeOf<number>();
        return { root: config.root, max: config.max_bytes, host: env.PLATFORM_HOST_ADDR ?? null, tool };
      }),
    );
    const early = await connectError(client.executeTool({ name: "where", argumentsJson: "" }));
    expect(early.code).toBe(Code.FailedPrecondition);
    expect(early.rawMessage).toBe('tool "where" needs the plugin\'s config, and the platform has not called Register on plugin "files"');
    await driver.register({ config: { root: "/srv/data" }, envVars: { PLATFORM_HOST_ADDR: "127.0.0.1:7000" } });
    expect((await driver.callTool("where")).result).toEqual({ root: "/srv/data", max: 100, host: "127.0.0.1:7000", tool: "where" });
  });

  it("aborts the handler's signal when the call's deadline passes, and answers DEADLINE_EXCEEDED without waiting for it", async () => {
    let seen: AbortSignal | undefined;
    let finish: (() => void) | undefined;
    const { client } = withTools((tools) =>
      tools.add("slow", { description: "Ignores its signal" }, async (_input, ctx: ToolContext) => {
        seen = ctx.signal;
        expect(ctx.timeoutMs()).toBeGreaterThan(0);
        await new Promise<void>((resolve) => (finish = resolve));
        return "too late";
      }),
    );
    // The handler never finishes: the answer comes from the deadline alone.
    const err = await connectError(client.executeTool({ name: "slow", argumentsJson: "" }, { timeoutMs: 100 }));
    expect(err.code).toBe(Code.DeadlineExceeded);
    expect(seen?.aborted).toBe(true);
    finish?.();
  });

  it("answers CANCELED when the caller cancels", async () => {
    let started: () => void = () => {};
    const running = new Promise<void>((resolve) => (started = resolve));
    const { client } = withTools((tools) =>
      tools.add("hang", { description: "Waits for its signal" }, (_input, { signal }) => {
        started();
        return new Promise((_, reject) => signal.addEventListener("abort", () => reject(new Error("stopped"))));
      }),
    );
    const controller = new AbortController();
    const call = client.executeTool({ name: "hang", argumentsJson: "" }, { signal: controller.signal });
    await running;
    controller.abort();
    expect((await connectError(call)).code).toBe(Code.Canceled);
  });

  it("gives a JSON Schema tool's handler the numbers its type says: exact, and a number where a double holds it", async () => {
    let got: unknown;
    const { client } = withTools((tools) =>
      tools.add(
        "measure",
        {
          description: "Measures",
          inputSchema: {
            type: "object",
            properties: { id: { type: "integer", minimum: 0 }, neg: { type: "integer" }, ratio: { type: "number" }, fine: { type: "number" }, nested: { type: "array", items: { type: "number" } } },
          },
        },
        (input) => {
          expectTypeOf(input.id).toEqualTypeOf<number | bigint | undefined>();
          expectTypeOf(input.ratio).toEqualTypeOf<number | bigint | LosslessNumber | undefined>();
          got = input;
          // 1.0 arrives as the number 1, so arithmetic on it works.
          return { ...input, next: typeof input.ratio === "number" ? input.ratio + 1 : null };
        },
      ),
    );
    const sent = '{"id":18446744073709551615,"neg":-9007199254740993,"ratio":1.0,"fine":0.1000000000000000055511151231257827,"nested":[2.50,1e3]}';
    const res = await client.executeTool({ name: "measure", argumentsJson: sent });
    expect(got).toEqual({
      id: 18446744073709551615n,
      neg: -9007199254740993n,
      ratio: 1,
      fine: new LosslessNumber("0.1000000000000000055511151231257827"),
      nested: [2.5, 1000],
    });
    expect(res).toEqual(
      expect.objectContaining({
        isError: false,
        resultJson: '{"id":18446744073709551615,"neg":-9007199254740993,"ratio":1,"fine":0.1000000000000000055511151231257827,"nested":[2.5,1000],"next":2}',
      }),
    );
    // The validator sees plain numbers: an exact integer past 2^53 is still an integer, and minimum still applies.
    const below = await client.executeTool({ name: "measure", argumentsJson: '{"id":-18446744073709551615}' });
    expect(below.isError).toBe(true);
    expect(below.resultJson).toContain("id: ");
  });

  it("gives a tool without a schema its arguments exactly as sent", async () => {
    let got: JsonObject | undefined;
    const { client } = withTools((tools) =>
      tools.add("echo", { description: "Echo" }, (input) => {
        got = input;
        return input;
      }),
    );
    const sent = '{"id":18446744073709551615,"ratio":1.0,"nested":[2.50,1e3]}';
    expect(await client.executeTool({ name: "echo", argumentsJson: sent })).toEqual(expect.objectContaining({ isError: false, resultJson: sent }));
    expect(got).toEqual({ id: 18446744073709551615n, ratio: new LosslessNumber("1.0"), nested: [new LosslessNumber("2.50"), new LosslessNumber("1e3")] });
  });

  it("answers a number past a double's range (1e400) with an is_error naming the field, or takes it where the schema allows it", async () => {
    let got: unknown;
    const { client } = withTools((tools) => {
      tools.add("bounded", { description: "d", inputSchema: { type: "object", properties: { ratio: { type: "number", maximum: 10 } } } }, () => null);
      tools.add("any_number", { description: "d", inputSchema: { type: "object", properties: { ratio: { type: "number" } } } }, (input) => {
        got = input.ratio;
        return input;
      });
      tools.add("zod", { description: "d", inputSchema: z.object({ ratio: z.number() }) }, () => null);
    });
    const bounded = await client.executeTool({ name: "bounded", argumentsJson: '{"ratio":1e400}' });
    expect(bounded).toMatchObject({ isError: true });
    expect(JSON.parse(bounded.resultJson)).toEqual({
      error: 'invalid arguments for tool "bounded": ratio: must be <= 10, got Infinity',
      issues: [{ path: "ratio", message: "must be <= 10, got Infinity" }],
    });
    const below = await client.executeTool({ name: "bounded", argumentsJson: '{"ratio":-1e400}' });
    expect(below).toMatchObject({ isError: false });
    // Allowed: the handler gets it exactly, and it goes back out as it came.
    const any = await client.executeTool({ name: "any_number", argumentsJson: '{"ratio":1e400}' });
    expect(any).toMatchObject({ isError: false, resultJson: '{"ratio":1e400}' });
    expect(got).toEqual(new LosslessNumber("1e400"));
    // A Standard Schema's number type gets the LosslessNumber (not a rounded Infinity) and refuses it by name.
    const zod = await client.executeTool({ name: "zod", argumentsJson: '{"ratio":1e400}' });
    expect(zod.isError).toBe(true);
    expect(zod.resultJson).toContain("ratio: Invalid input: expected number");
  });

  it("gives a Standard Schema the numbers a double holds as numbers, and keeps the others exact", async () => {
    const { driver, client } = withTools((tools) => {
      tools.add(
        "count",
        {
          description: "Counts",
          inputSchema: z.object({ n: z.number(), big: z.bigint().optional(), any: z.unknown().optional() }),
          // zod cannot describe a bigint as JSON Schema: say it here.
          jsonSchema: { type: "object", properties: { n: { type: "number" }, big: { type: "integer" }, any: {} }, required: ["n"] },
        },
        (input) => input,
      );
    });
    // 1.0 is the number 1 for z.number(); 2^64-1 stays a bigint for z.bigint(); z.unknown() keeps 2.50 as written.
    const ok = await client.executeTool({ name: "count", argumentsJson: '{"n":1.0,"big":18446744073709551615,"any":[2.50,0.30000000000000000001]}' });
    expect(ok).toMatchObject({ isError: false, resultJson: '{"n":1,"big":18446744073709551615,"any":[2.5,0.30000000000000000001]}' });
    // An integer a double cannot hold is refused by z.number() by name, not rounded.
    const big = await driver.callTool<{ error: string }>("count", { n: 2n ** 64n - 1n });
    expect(big.isError).toBe(true);
    expect(big.result.error).toContain("n: Invalid input: expected number, received bigint");
  });
});

describe("recursive input schemas", () => {
  // A category tree, as zod 4 writes recursion: a getter, and z.lazy.
  interface Category {
    name: string;
    subcategories: Category[];
  }
  const category = z.object({
    name: z.string().min(1),
    get subcategories() {
      return z.array(category);
    },
  });
  const lazyCategory: z.ZodType<Category> = z.lazy(() => z.object({ name: z.string().min(1), subcategories: z.array(lazyCategory) }));
  const tree = { name: "a", subcategories: [{ name: "b", subcategories: [{ name: "c", subcategories: [] }] }] };
  const badTree = { name: "a", subcategories: [{ name: "b", subcategories: [{ name: "", subcategories: [] }, { name: 3, subcategories: [] }] }] };

  it("validates a recursive zod schema (the getter form) given as inputSchema, and sends its $ref", async () => {
    const { driver } = withTools((tools) => tools.add("file", { description: "Files a category tree", inputSchema: category }, (input) => input.subcategories.length));
    const parameters = (await driver.listTools())[0]!.parameters;
    expect(parameters).toMatchObject({ type: "object", properties: { subcategories: { type: "array", items: { $ref: "#" } } } });
    expect(await driver.callTool("file", tree)).toMatchObject({ isError: false, result: 1 });
    const out = await driver.callTool<{ error: string; issues: { path: string; message: string }[] }>("file", badTree);
    expect(out.isError).toBe(true);
    expect(out.result.issues.map((i) => i.path)).toEqual(["subcategories[0].subcategories[0].name", "subcategories[0].subcategories[1].name"]);
    // The schema the platform gets is one ajv compiles, and it refuses the same arguments.
    expect(jsonSchemaProblems(parameters)).toEqual([]);
    expect(validateJsonSchema(parameters, tree)).toEqual([]);
    expect(validateJsonSchema(parameters, badTree).map((i) => i.path)).toEqual(out.result.issues.map((i) => i.path));
  });

  it("validates z.toJSONSchema of a recursive z.lazy schema given as a plain JSON Schema inputSchema", async () => {
    // As JSON (read from a file, say): zod >= 4.2's toJSONSchema result is itself a Standard Schema, through a
    // non-enumerable "~standard", and would be validated by zod.
    const asJson = (value: unknown) => JSON.parse(JSON.stringify(value)) as JsonSchema;
    const schema = asJson(z.toJSONSchema(lazyCategory));
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    const { driver } = withTools((tools) => tools.add("file", { description: "Files a category tree", inputSchema: schema }, (input) => input));
    expect(await driver.callTool("file", tree)).toMatchObject({ isError: false, result: tree });
    expect(await driver.callTool("file", badTree)).toMatchObject({
      isError: true,
      result: {
        error:
          'invalid arguments for tool "file": subcategories[0].subcategories[0].name: must be at least 1 character long; ' +
          "subcategories[0].subcategories[1].name: expected string, got integer",
      },
    });
    // Nested in an object, zod puts the recursive part in $defs.
    const wrapped = asJson(z.toJSONSchema(z.object({ root: category, note: z.string().optional() })));
    expect(wrapped.$defs).toBeDefined();
    const { driver: wrappedDriver } = withTools((tools) => tools.add("file", { description: "d", inputSchema: wrapped }, () => "ok"));
    expect(await wrappedDriver.callTool("file", { root: tree })).toMatchObject({ isError: false, result: "ok" });
    expect(await wrappedDriver.callTool("file", { root: { name: "a", subcategories: [{ subcategories: [] }] }, extra: 1 })).toMatchObject({
      isError: true,
      result: { issues: [{ path: "extra", message: "unexpected property (allowed: root, note)" }, { path: "root.subcategories[0].name", message: "required" }] },
    });
  });
});

describe("declaring a tool", () => {

  it("refuses names LLM function calling does not accept, and duplicates", () => {
    const tools = new TestTools<typeof filesConfig>();
    for (const name of ["", "read file", "read.file", "lire_le_fichier_é", "a".repeat(65), "tool/x"]) {
      const err = refusal(() => tools.add(name, { description: "d" }, () => null));
      expect(err.code).toBe("invalid_argument");
      expect(err.message).toContain(`tool name ${JSON.stringify(name)} must be 1 to 64 letters, digits, "_" or "-"`);
    }
    tools.add("a".repeat(64), { description: "longest" }, () => null);
    tools.add("Read-File_2", { description: "d" }, () => null);
    const dup = refusal(() => tools.add("Read-File_2", { description: "again" }, () => null));
    expect(dup.code).toBe("already_exists");
    expect(dup.message).toBe('tool "Read-File_2" is declared twice in TestTools; tool names must be unique');
    expect(tools.tools).toHaveLength(2);
  });

  it("refuses a blank description", () => {
    const tools = new TestTools<typeof filesConfig>();
    expect(refusal(() => tools.add("t", { description: "  " }, () => null)).message).toBe(
      'tool "t": description is required; it is what tells the LLM when to use the tool',
    );
  });

  it("refuses input schemas whose root is not an object", () => {
    const tools = new TestTools<typeof filesConfig>();
    const cases: [unknown, string][] = [
      [z.string(), 'tool "t": the JSON Schema of its inputSchema (zod) must describe an object'],
      [z.array(z.number()), 'but its root has type "array"'],
      [{ type: "string" }, 'tool "t": its inputSchema must describe an object'],
      [{ type: ["object", "null"] }, 'but its root has type ["object","null"]'],
      [[{ type: "object" }], 'tool "t": its inputSchema must be a Standard Schema (zod, valibot, ...) or a JSON Schema object, got array'],
      [true, "got boolean"],
    ];
    for (const [inputSchema, message] of cases) {
      const err = refusal(() => tools.add("t", { description: "d", inputSchema: inputSchema as JsonSchema }, () => null));
      expect(err.code).toBe("invalid_argument");
      expect(err.message).toContain(message);
    }
    expect(tools.tools).toEqual([]);
  });

  it("refuses JSON Schemas it cannot validate with, naming the place and the reason", () => {
    const tools = new TestTools<typeof filesConfig>();
    const cases: [JsonSchema, string][] = [
      [{ type: "object", properties: { a: { $ref: "#/$defs/a" } } }, "properties.a.$ref: ajv cannot compile the schema: can't resolve reference #/$defs/a"],
      [{ type: "object", properties: { a: { type: "string", pattern: "([" } } }, 'properties.a.pattern: "([" is not a valid regular expression'],
      [{ type: "object", properties: { a: { type: "text" as "string" } } }, 'properties.a.type: must be one of "array", "boolean"'],
      [{ type: "object", required: "a" as unknown as string[] }, "required: expected array, got string"],
      [{ type: "object", properties: { a: { type: "number", exclusiveMinimum: true as unknown as number } } }, "draft-04's boolean form is not supported"],
      [{ type: "object", properties: { a: { type: "array", items: [{ type: "string" }] } } }, "properties.a.items: an array of schemas is draft-07's tuple form: in draft 2020-12 write it as prefixItems"],
      [{ $schema: "http://json-schema.org/draft-04/schema#", type: "object" }, '$schema: "http://json-schema.org/draft-04/schema#" is not a dialect this SDK validates'],
    ];
    for (const [inputSchema, message] of cases) {
      const err = refusal(() => tools.add("t", { description: "d", inputSchema }, () => null));
      expect(err.message).toContain('tool "t": its inputSchema is not a JSON Schema this SDK can validate with: ');
      expect(err.message).toContain(message);
    }
    // What the hand-written subset refused before ajv: validated now.
    tools.add("t", { description: "d", inputSchema: { type: "object", patternProperties: { "^x": {} }, if: { required: ["a"] }, then: { required: ["b"] } } }, () => null);
  });

  it("refuses a Standard Schema that cannot describe itself unless jsonSchema is given, and a JSON Schema given twice", () => {
    const tools = new TestTools<typeof filesConfig>();
    const handWritten: StandardSchemaV1<unknown, { n: number }> = {
      "~standard": {
        version: 1,
        vendor: "hand",
        validate: (value) =>
          typeof value === "object" && value !== null && typeof (value as { n?: unknown }).n === "number"
            ? { value: value as { n: number } }
            : { issues: [{ message: "n must be a number", path: ["n"] }] },
      },
    };
    const err = refusal(() => tools.add("t", { description: "d", inputSchema: handWritten }, () => null));
    expect(err.message).toContain('tool "t": its inputSchema (hand) cannot describe itself as JSON Schema');
    expect(err.message).toContain("pass the JSON Schema too, as jsonSchema");
    const dateErr = refusal(() => tools.add("t", { description: "d", inputSchema: z.object({ when: z.date() }) }, () => null));
    expect(dateErr.message).toContain("cannot be converted to JSON Schema: Date cannot be represented in JSON Schema; pass the JSON Schema explicitly as jsonSchema");
    tools.add("t", { description: "d", inputSchema: handWritten, jsonSchema: { type: "object", properties: { n: { type: "number" } } } }, ({ n }) => {
      expectTypeOf(n).toEqualTypeOf<number>();
      return n * 2;
    });
    const twice = refusal(() => tools.add("u", { description: "d", inputSchema: { type: "object" }, jsonSchema: { type: "object" } }, () => null));
    expect(twice.message).toContain("give the JSON Schema once, as inputSchema");
  });

  it("keeps its own copy of a JSON Schema", async () => {
    const schema = { type: "object", properties: { a: { type: "string" } }, required: ["a"] } satisfies JsonSchema;
    const { driver } = withTools((tools) => tools.add("t", { description: "d", inputSchema: schema }, () => "ok"));
    schema.required.pop();
    expect(await driver.callTool("t", {})).toMatchObject({ isError: true, result: { error: 'invalid arguments for tool "t": a: required' } });
  });

  it("types handler input from the schema", () => {
    const tools = new TestTools<typeof filesConfig>();
    tools.add("zod", { description: "d", inputSchema: readFileArgs }, (input) => {
      expectTypeOf(input).toEqualTypeOf<{ path: string; encoding: "utf8" | "base64" }>();
    });
    tools.add("json", { description: "d", inputSchema: searchArgs }, (input) => {
      expectTypeOf(input).toEqualTypeOf<{ pattern: string; path?: string; limit?: number | bigint; options?: { case_sensitive: boolean } }>();
    });
    tools.add(
      "literal",
      {
        description: "d",
        inputSchema: { type: "object", properties: { mode: { enum: ["a", "b"] }, tags: { type: "array", items: { type: "string" } } }, required: ["mode"] },
      },
      (input) => {
        expectTypeOf(input).toEqualTypeOf<{ mode: "a" | "b"; tags?: string[] }>();
      },
    );
    tools.add("none", { description: "d" }, (input) => {
      expectTypeOf(input).toEqualTypeOf<JsonObject>();
    });
  });
});

