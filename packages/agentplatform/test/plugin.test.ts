// The Plugin itself: Register's config handling (merge, coercion, validation, onRegister), the providers it
// is made with (one way in, at most one per kind, each provider on one plugin), and the manifest checks.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, expectTypeOf, it } from "vitest";
import { AgentwireError } from "@agentwire/core";
import {
  Capability,
  defineConfigSchema,
  LifecycleHook,
  LLMProvider,
  Plugin,
  protocolVersion,
  ToolProvider,
  ViewProvider,
  type CompletionContext,
  type CompletionRequest,
  type ViewStream,
  type ViewStreamContext,
} from "../src/index.js";
import { unattachedProviders } from "../src/provider.js";
import { OkLLM, refusal, refusalSync, registerDirect, TestHook, TestTools, TestViews, validConfig, weatherConfig, weatherPlugin } from "./fixtures.js";

describe("Register", () => {
  it("merges defaults under the config, coerces values and answers name, capabilities and metadata", async () => {
    const plugin = weatherPlugin();
    const result = await registerDirect(plugin, { config: { ...validConfig, verbose: "true" }, envVars: { PLATFORM_HOST_ADDR: "127.0.0.1:7000" } });
    expect(result).toEqual({
      name: "weather",
      capabilities: [],
      metadata: { homepage: "https://weather.example.com", version: "1.2.0", protocol_version: protocolVersion },
    });
    expect(protocolVersion).toBe("1");
    expect(plugin.registered).toBe(true);
    expect(plugin.config).toEqual({ api_key_env: "WEATHER_KEY", retries: 2, units: "metric", max_results: 5, verbose: true });
    expect(plugin.env).toEqual({ PLATFORM_HOST_ADDR: "127.0.0.1:7000" });
  });

  it("types the config from the schema", async () => {
    const plugin = weatherPlugin();
    await registerDirect(plugin, { config: validConfig });
    expectTypeOf(plugin.config.api_key_env).toEqualTypeOf<string>();
    expectTypeOf(plugin.config.units).toEqualTypeOf<"metric" | "imperial">();
    expectTypeOf(plugin.config.max_results).toEqualTypeOf<number>();
    expectTypeOf(plugin.config.retries).toEqualTypeOf<1 | 2 | 3>();
    expectTypeOf(plugin.config.verbose).toEqualTypeOf<boolean>();
    expectTypeOf(plugin.config.region).toEqualTypeOf<string | undefined>();
    expectTypeOf(plugin.config.cache).toEqualTypeOf<boolean | undefined>();
    const bare = new Plugin({ name: "bare", version: "0.1.0", manifest: { description: "d", author: "a" } });
    expectTypeOf<keyof typeof bare.config>().toEqualTypeOf<never>();
    expect(bare.capabilities).toEqual([]);
  });

  it("leaves optional fields without a value or default out", async () => {
    const plugin = weatherPlugin();
    await registerDirect(plugin, { config: validConfig });
    expect(Object.keys(plugin.config).sort()).toEqual(["api_key_env", "max_results", "retries", "units", "verbose"]);
  });

  it("treats an empty value as not set: the default applies, a required field is missing", async () => {
    const plugin = weatherPlugin();
    await registerDirect(plugin, { config: { ...validConfig, units: "", max_results: "", region: "" } });
    expect(plugin.config).toMatchObject({ units: "metric", max_results: 5 });
    expect(plugin.config.region).toBeUndefined();
    const err = await refusal(() => registerDirect(plugin, { config: { ...validConfig, api_key_env: "" } }));
    expect(err.message).toContain("api_key_env: required, and not set");
  });

  it.each([
    ["1", true],
    ["t", true],
    ["T", true],
    ["true", true],
    ["True", true],
    ["TRUE", true],
    ["0", false],
    ["f", false],
    ["F", false],
    ["false", false],
    ["False", false],
    ["FALSE", false],
  ])("accepts %j as the bool %s (Go's strconv.ParseBool spellings)", async (raw, value) => {
    const plugin = weatherPlugin();
    await registerDirect(plugin, { config: { ...validConfig, verbose: raw } });
    expect(plugin.config.verbose).toBe(value);
  });

  it.each(["yes", "no", "on", "tRuE", " true", "2", "truthy"])("refuses %j as a bool, saying which spellings work", async (raw) => {
    const err = await refusal(() => registerDirect(weatherPlugin(), { config: { ...validConfig, verbose: raw } }));
    expect(err.code).toBe("invalid_argument");
    expect(err.message).toContain(`verbose: ${JSON.stringify(raw)} is not a bool (use true or false; also accepted: 1, t, T, True, TRUE, 0, f, F, False, FALSE)`);
  });

  it.each([
    ["3", 3],
    ["-0.5", -0.5],
    ["+2", 2],
    [".5", 0.5],
    ["7.", 7],
    ["1e3", 1000],
    ["2.5E-1", 0.25],
  ])("accepts %j as the number %s", async (raw, value) => {
    const plugin = weatherPlugin();
    await registerDirect(plugin, { config: { ...validConfig, max_results: raw } });
    expect(plugin.config.max_results).toBe(value);
  });

  it.each(["abc", "0x10", "1_000", " 3", "3 ", "Infinity", "NaN", "1,5", "--1"])("refuses %j as a number", async (raw) => {
    const err = await refusal(() => registerDirect(weatherPlugin(), { config: { ...validConfig, max_results: raw } }));
    expect(err.message).toContain(`max_results: ${JSON.stringify(raw)} is not a number`);
  });

  it("refuses a number too large to represent", async () => {
    const err = await refusal(() => registerDirect(weatherPlugin(), { config: { ...validConfig, max_results: "1e999" } }));
    expect(err.message).toContain('max_results: "1e999" is out of range for a number');
  });

  it("refuses a missing required field, naming it", async () => {
    const err = await refusal(() => registerDirect(weatherPlugin(), { config: { retries: "1" } }));
    expect(err.code).toBe("invalid_argument");
    expect(err.message).toBe('invalid config for plugin "weather" (1 problem): api_key_env: required, and not set (no value, no default)');
    expect(err.details).toEqual({ fields: { api_key_env: "required, and not set (no value, no default)" } });
  });

  it("refuses a value outside the options, listing them", async () => {
    const err = await refusal(() => registerDirect(weatherPlugin(), { config: { ...validConfig, units: "kelvin" } }));
    expect(err.message).toContain('units: "kelvin" is not one of "metric", "imperial"');
  });

  it("compares number options as numbers", async () => {
    const plugin = weatherPlugin();
    await registerDirect(plugin, { config: { ...validConfig, retries: "3.0" } });
    expect(plugin.config.retries).toBe(3);
    const err = await refusal(() => registerDirect(plugin, { config: { ...validConfig, retries: "4" } }));
    expect(err.message).toContain('retries: "4" is not one of 1, 2, 3');
  });

  it("refuses a value that does not match the pattern", async () => {
    const plugin = weatherPlugin();
    await registerDirect(plugin, { config: { ...validConfig, region: "us-east-1" } });
    expect(plugin.config.region).toBe("us-east-1");
    const err = await refusal(() => registerDirect(plugin, { config: { ...validConfig, region: "US-EAST-1" } }));
    expect(err.message).toContain('region: "US-EAST-1" does not match the pattern ^[a-z]{2}-[a-z]+-\\d$');
  });

  it("refuses keys the schema does not declare, listing the fields it does", async () => {
    const err = await refusal(() => registerDirect(weatherPlugin(), { config: { ...validConfig, colour: "blue" } }));
    expect(err.message).toContain(
      "colour: not a field of this plugin's config_schema (fields: api_key_env, units, region, max_results, retries, verbose, cache)",
    );
    const bare = new Plugin({ name: "bare", version: "0.1.0", manifest: { description: "d", author: "a" } });
    const err2 = await refusal(() => registerDirect(bare, { config: { x: "1" } }));
    expect(err2.message).toContain("x: not a field of this plugin's config_schema (it declares none)");
  });

  it("names every bad or missing field in one refusal", async () => {
    const err = await refusal(() =>
      registerDirect(weatherPlugin(), {
        config: { units: "kelvin", region: "nowhere", max_results: "many", retries: "9", verbose: "yes", cache: "maybe", colour: "blue" },
      }),
    );
    expect(err.code).toBe("invalid_argument");
    expect(err.message).toMatch(/^invalid config for plugin "weather" \(8 problems\): /);
    expect(Object.keys(err.details.fields as object)).toEqual(["api_key_env", "units", "region", "max_results", "retries", "verbose", "cache", "colour"]);
    for (const field of ["api_key_env", "units", "region", "max_results", "retries", "verbose", "cache", "colour"]) {
      expect(err.message).toContain(`${field}: `);
    }
  });

  it("replaces the config and env on every Register; a refused one keeps the last good one", async () => {
    const plugin = weatherPlugin();
    await registerDirect(plugin, { config: { ...validConfig, units: "imperial", region: "eu-west-1" }, envVars: { A: "1" } });
    expect(plugin.config).toMatchObject({ units: "imperial", region: "eu-west-1" });
    await registerDirect(plugin, { config: { api_key_env: "OTHER", retries: "1" }, envVars: { B: "2" } });
    expect(plugin.config).toEqual({ api_key_env: "OTHER", retries: 1, units: "metric", max_results: 5, verbose: false });
    expect(plugin.env).toEqual({ B: "2" });
    await refusal(() => registerDirect(plugin, { config: { retries: "1" } }));
    expect(plugin.config.api_key_env).toBe("OTHER");
  });

  it("runs onRegister with the typed config before making it current; its refusal keeps the previous config", async () => {
    const seen: unknown[] = [];
    let refuse = false;
    const plugin = weatherPlugin({
      onRegister: () => {
        if (refuse) throw new AgentwireError("failed_precondition", "WEATHER_KEY is not set in the environment");
      },
    });
    const typed = new Plugin({
      name: "typed",
      version: "1.0.0",
      manifest: { description: "d", author: "a", configSchema: { n: { type: "number", default: 1 } } },
      onRegister: ({ config, env }, { signal, logger }) => {
        expectTypeOf(config.n).toEqualTypeOf<number>();
        expect(signal).toBeInstanceOf(AbortSignal);
        expect(typeof logger.info).toBe("function");
        seen.push({ config, env });
      },
    });
    await registerDirect(typed, { config: { n: "4" }, envVars: { E: "e" } });
    expect(seen).toEqual([{ config: { n: 4 }, env: { E: "e" } }]);

    await registerDirect(plugin, { config: validConfig });
    refuse = true;
    const err = await refusal(() => registerDirect(plugin, { config: { ...validConfig, api_key_env: "NEW" } }));
    expect(err.code).toBe("failed_precondition");
    expect(plugin.config.api_key_env).toBe("WEATHER_KEY");
  });

  it("has no config before the first Register", () => {
    const plugin = weatherPlugin();
    expect(plugin.registered).toBe(false);
    expect(() => plugin.config).toThrow(/has no config yet: the platform has not called Register/);
    expect(() => plugin.env).toThrow(AgentwireError);
  });

  it("resolveConfig validates without registering", () => {
    const plugin = weatherPlugin();
    expect(plugin.resolveConfig(validConfig)).toMatchObject({ retries: 2, units: "metric" });
    expect(plugin.registered).toBe(false);
    expect(() => plugin.resolveConfig({})).toThrow(/api_key_env: required.*retries: required/);
  });
});

describe("providers", () => {
  it("are given to the plugin once, and make its capabilities, in the enum's order", async () => {
    const hook = new TestHook();
    hook.add("TOOL_CALL", () => undefined);
    const plugin = weatherPlugin({ providers: [new TestViews(), hook, new TestTools(), new OkLLM()] });
    expect(plugin.capabilities).toEqual([Capability.LLM_PROVIDER, Capability.TOOL_PROVIDER, Capability.LIFECYCLE_HOOK, Capability.VIEW_PROVIDER]);
    expect(plugin.providers).toHaveLength(4);
    const result = await registerDirect(plugin, { config: validConfig });
    expect(result.capabilities).toEqual([Capability.LLM_PROVIDER, Capability.TOOL_PROVIDER, Capability.LIFECYCLE_HOOK, Capability.VIEW_PROVIDER]);
    expect(weatherPlugin().capabilities).toEqual([]);
  });

  it("refuse two providers of one kind, naming both classes", async () => {
    class FileTools extends ToolProvider {}
    class SearchTools extends ToolProvider {}
    const err = await refusal(() => weatherPlugin({ providers: [new FileTools(), new SearchTools()] }));
    expect(err.code).toBe("already_exists");
    expect(err.message).toBe(
      'plugin "weather" has two ToolProviders (FileTools (a ToolProvider) and SearchTools (a ToolProvider)): the platform calls one ToolProvider service per plugin, so declare everything it serves in one class',
    );
    // A refused plugin takes none of its providers: they can go to the next one.
    const files = new FileTools();
    await refusal(() => weatherPlugin({ providers: [files, new SearchTools()] }));
    expect(weatherPlugin({ providers: [files] }).capabilities).toEqual([Capability.TOOL_PROVIDER]);
  });

  it("refuse a provider already given to another plugin, and values that are not providers", async () => {
    const tools = new TestTools();
    weatherPlugin({ providers: [tools] });
    const again = await refusal(() => weatherPlugin({ providers: [tools] }));
    expect(again.code).toBe("failed_precondition");
    expect(again.message).toBe(
      'plugin "weather": TestTools (a ToolProvider) is already attached to plugin "weather"; a provider reads its plugin\'s config, so make one instance per plugin',
    );
    // @ts-expect-error: not a provider
    const notOne = await refusal(() => weatherPlugin({ providers: [{ capability: Capability.TOOL_PROVIDER }] }));
    expect(notOne.message).toContain("providers[0] is not a provider; pass instances of classes that extend ToolProvider, LLMProvider, ViewProvider or LifecycleHook");
    // @ts-expect-error: providers is a list
    const notAList = await refusal(() => new Plugin({ name: "p", version: "1.0.0", manifest: { description: "d", author: "a" }, providers: new TestTools() }));
    expect(notAList.message).toContain("providers must be an array");
  });

  it("take no declarations once attached: tools, views and handlers are declared in the class", async () => {
    const tools = new TestTools();
    const views = new TestViews();
    const hook = new TestHook();
    weatherPlugin({ providers: [tools, views, hook] });
    const late = refusalSync(() => tools.add("late", { description: "d" }, () => null));
    expect(late.code).toBe("failed_precondition");
    expect(late.message).toBe(
      'cannot declare tool "late" on TestTools (a ToolProvider): it is already attached to plugin "weather"; declare it in the class body or the constructor',
    );
    expect(refusalSync(() => views.add({ name: "v", render: () => [] })).message).toContain('cannot declare view "v" on TestViews (a ViewProvider)');
    expect(refusalSync(() => hook.add("AGENT_START", () => undefined)).message).toContain("cannot declare a AGENT_START handler on TestHook (a LifecycleHook)");
    expect(tools.tools).toEqual([]);
  });

  it("are remembered until attached, so serve can name one that was forgotten; a failed declaration is not", () => {
    const before = unattachedProviders().length;
    class Forgotten extends ToolProvider {}
    const forgotten = new Forgotten();
    expect(unattachedProviders()).toContain("Forgotten (a ToolProvider)");
    class Broken extends ToolProvider {
      bad = this.tool("not a name", { description: "d" }, () => null);
    }
    expect(() => new Broken()).toThrow(/tool name "not a name" must be/);
    expect(unattachedProviders()).not.toContain("Broken (a ToolProvider)");
    weatherPlugin({ providers: [forgotten] });
    expect(unattachedProviders()).toHaveLength(before);
  });

  it("are held weakly while unattached: one that is dropped is forgotten once collected", async () => {
    // `global.gc` without --expose-gc (a documented V8 flag, set before its first use).
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    class Dropped extends ToolProvider {}
    class Kept extends ToolProvider {}
    const kept = new Kept();
    (() => void new Dropped())();
    expect(unattachedProviders()).toEqual(expect.arrayContaining(["Dropped (a ToolProvider)", "Kept (a ToolProvider)"]));
    // A WeakRef's target stays alive until the end of the job that made or read it: collect in a later one.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    expect(unattachedProviders()).not.toContain("Dropped (a ToolProvider)");
    expect(unattachedProviders()).toContain("Kept (a ToolProvider)");
    weatherPlugin({ providers: [kept] });
    expect(unattachedProviders()).not.toContain("Kept (a ToolProvider)");
  });

  it("carry the plugin's typed config into every handler, and fit a plugin whose schema has more fields", () => {
    const small = defineConfigSchema({ units: { type: "string", options: ["metric", "imperial"], default: "metric" } });
    class Units extends ToolProvider<typeof small> {
      units = this.tool("units", { description: "d" }, (_input, { config, env, signal, logger, timeoutMs, tool }) => {
        expectTypeOf(config).toEqualTypeOf<{ units: "metric" | "imperial" }>();
        expectTypeOf(env).toEqualTypeOf<Readonly<Record<string, string>>>();
        expectTypeOf(signal).toEqualTypeOf<AbortSignal>();
        expectTypeOf(timeoutMs).returns.toEqualTypeOf<number | undefined>();
        expectTypeOf(logger.info).toBeFunction();
        expectTypeOf(tool).toEqualTypeOf<string>();
        return config.units;
      });
    }
    class Weather extends LLMProvider<typeof weatherConfig> {
      override complete(_request: CompletionRequest, { config, emit }: CompletionContext<typeof weatherConfig>) {
        expectTypeOf(config.retries).toEqualTypeOf<1 | 2 | 3>();
        emit.text(String(config.retries));
      }
    }
    class Views extends ViewProvider<typeof weatherConfig> {
      page = this.view({
        name: "page",
        routes: [],
        render: ({ config }) => {
          expectTypeOf(config.max_results).toEqualTypeOf<number>();
          return [];
        },
      });
      override stream(_stream: ViewStream, { config }: ViewStreamContext<typeof weatherConfig>) {
        expectTypeOf(config.api_key_env).toEqualTypeOf<string>();
      }
    }
    class Hook extends LifecycleHook<typeof weatherConfig> {
      turn = this.on("TURN_START", (payload, { config, agentName, event }) => {
        expectTypeOf(payload.turn_number).toEqualTypeOf<number>();
        expectTypeOf(config.verbose).toEqualTypeOf<boolean>();
        expectTypeOf(event).toEqualTypeOf<"TURN_START">();
        expectTypeOf(agentName).toEqualTypeOf<string>();
      });
    }
    const plugin = weatherPlugin({ providers: [new Units(), new Weather(), new Views(), new Hook()] });
    expect(plugin.providers).toHaveLength(4);
    expect(Object.keys(small)).toEqual(["units"]);

    const other = defineConfigSchema({ token: { type: "string", required: true } });
    class NeedsToken extends ToolProvider<typeof other> {}
    // @ts-expect-error: the weather plugin has no `token` field for this provider to read
    expect(() => weatherPlugin({ providers: [new NeedsToken()] })).not.toThrow();
    expect(Object.keys(other)).toEqual(["token"]);
  });
});

describe("manifest checks", () => {
  const base = { name: "p", version: "1.0.0", manifest: { description: "d", author: "a" } };

  it("refuse an invalid manifest at construction, naming every problem", () => {
    let err: AgentwireError | undefined;
    try {
      new Plugin({
        name: "",
        version: "1.0",
        metadata: { version: "2" },
        manifest: {
          description: " ",
          author: "",
          // @ts-expect-error: not a plugin type
          type: "cloud",
          configSchema: {
            "bad name": { type: "string" },
            // @ts-expect-error: not a field type
            t: { type: "integer" },
            p: { type: "string", pattern: "(" },
            o: { type: "string", options: ["a"], default: "b" },
            d: { type: "number", default: "3" as unknown as number },
            pd: { type: "string", pattern: "^x", default: "y" },
            // @ts-expect-error: bool fields take no options
            b: { type: "bool", options: ["true"] },
            u: { type: "string", uiType: "slider" as "text" },
            e: { type: "number", options: [] },
          },
        },
      });
    } catch (e) {
      err = e as AgentwireError;
    }
    expect(err).toBeInstanceOf(AgentwireError);
    expect(err!.code).toBe("invalid_argument");
    expect(Object.keys(err!.details.fields as object)).toEqual([
      "name",
      "version",
      "description",
      "author",
      "type",
      "config_schema.bad name",
      "config_schema.t",
      "config_schema.p",
      "config_schema.o",
      "config_schema.d",
      "config_schema.pd",
      "config_schema.b",
      "config_schema.u",
      "config_schema.e",
      "metadata.version",
    ]);
    expect(err!.message).toContain('version: "1.0" is not a semantic version such as 1.2.0');
    expect(err!.message).toContain('config_schema.o: default "b" is not one of "a"');
    expect(err!.message).toContain('config_schema.pd: default "y" does not match the pattern ^x');
    expect(err!.message).toContain('config_schema.t: type "integer" is not one of "string", "number", "bool"');
    expect(err!.message).toContain("config_schema.p: pattern ( does not compile");
    expect(err!.message).toContain("metadata.version: is set by the SDK");
  });

  it("accepts a minimal manifest and defaults its type to remote", () => {
    const plugin = new Plugin(base);
    expect(plugin.manifest.type).toBe("remote");
    expect(new Plugin({ ...base, version: "1.0.0-rc.1+build.5" }).version).toBe("1.0.0-rc.1+build.5");
  });
});
