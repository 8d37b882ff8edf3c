import { describe, expect, expectTypeOf, it } from "vitest";
import { AgentwireError } from "@agentwire/core";
import { Capability, LLMProvider, Plugin, PluginService, protocolVersion, ToolProvider } from "../src/index.js";
import { sealProviders } from "../src/plugin.js";
import { Health } from "@agentwire/core/grpc";
import { fakeHooks, fakeProvider, fakeTools, fakeViews, validConfig, weatherPlugin } from "./fixtures.js";

/** The AgentwireError `fn` rejects with. */
async function refusal(fn: () => Promise<unknown>): Promise<AgentwireError> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AgentwireError);
    return err as AgentwireError;
  }
  throw new Error("expected a refusal");
}

describe("Register", () => {
  it("merges defaults under the config, coerces values and answers name, capabilities and metadata", async () => {
    const plugin = weatherPlugin();
    const result = await plugin.register({ config: { ...validConfig, verbose: "true" }, envVars: { PLATFORM_HOST_ADDR: "127.0.0.1:7000" } });
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
    await plugin.register({ config: validConfig });
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
    await plugin.register({ config: validConfig });
    expect(Object.keys(plugin.config).sort()).toEqual(["api_key_env", "max_results", "retries", "units", "verbose"]);
  });

  it("treats an empty value as not set: the default applies, a required field is missing", async () => {
    const plugin = weatherPlugin();
    await plugin.register({ config: { ...validConfig, units: "", max_results: "", region: "" } });
    expect(plugin.config).toMatchObject({ units: "metric", max_results: 5 });
    expect(plugin.config.region).toBeUndefined();
    const err = await refusal(() => plugin.register({ config: { ...validConfig, api_key_env: "" } }));
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
    await plugin.register({ config: { ...validConfig, verbose: raw } });
    expect(plugin.config.verbose).toBe(value);
  });

  it.each(["yes", "no", "on", "tRuE", " true", "2", "truthy"])("refuses %j as a bool, saying which spellings work", async (raw) => {
    const err = await refusal(() => weatherPlugin().register({ config: { ...validConfig, verbose: raw } }));
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
    await plugin.register({ config: { ...validConfig, max_results: raw } });
    expect(plugin.config.max_results).toBe(value);
  });

  it.each(["abc", "0x10", "1_000", " 3", "3 ", "Infinity", "NaN", "1,5", "--1"])("refuses %j as a number", async (raw) => {
    const err = await refusal(() => weatherPlugin().register({ config: { ...validConfig, max_results: raw } }));
    expect(err.message).toContain(`max_results: ${JSON.stringify(raw)} is not a number`);
  });

  it("refuses a number too large to represent", async () => {
    const err = await refusal(() => weatherPlugin().register({ config: { ...validConfig, max_results: "1e999" } }));
    expect(err.message).toContain('max_results: "1e999" is out of range for a number');
  });

  it("refuses a missing required field, naming it", async () => {
    const err = await refusal(() => weatherPlugin().register({ config: { retries: "1" } }));
    expect(err.code).toBe("invalid_argument");
    expect(err.message).toBe('invalid config for plugin "weather" (1 problem): api_key_env: required, and not set (no value, no default)');
    expect(err.details).toEqual({ fields: { api_key_env: "required, and not set (no value, no default)" } });
  });

  it("refuses a value outside the options, listing them", async () => {
    const err = await refusal(() => weatherPlugin().register({ config: { ...validConfig, units: "kelvin" } }));
    expect(err.message).toContain('units: "kelvin" is not one of "metric", "imperial"');
  });

  it("compares number options as numbers", async () => {
    const plugin = weatherPlugin();
    await plugin.register({ config: { ...validConfig, retries: "3.0" } });
    expect(plugin.config.retries).toBe(3);
    const err = await refusal(() => plugin.register({ config: { ...validConfig, retries: "4" } }));
    expect(err.message).toContain('retries: "4" is not one of 1, 2, 3');
  });

  it("refuses a value that does not match the pattern", async () => {
    const plugin = weatherPlugin();
    await plugin.register({ config: { ...validConfig, region: "us-east-1" } });
    expect(plugin.config.region).toBe("us-east-1");
    const err = await refusal(() => plugin.register({ config: { ...validConfig, region: "US-EAST-1" } }));
    expect(err.message).toContain('region: "US-EAST-1" does not match the pattern ^[a-z]{2}-[a-z]+-\\d$');
  });

  it("refuses keys the schema does not declare, listing the fields it does", async () => {
    const err = await refusal(() => weatherPlugin().register({ config: { ...validConfig, colour: "blue" } }));
    expect(err.message).toContain(
      "colour: not a field of this plugin's config_schema (fields: api_key_env, units, region, max_results, retries, verbose, cache)",
    );
    const bare = new Plugin({ name: "bare", version: "0.1.0", manifest: { description: "d", author: "a" } });
    const err2 = await refusal(() => bare.register({ config: { x: "1" } }));
    expect(err2.message).toContain("x: not a field of this plugin's config_schema (it declares none)");
  });

  it("names every bad or missing field in one refusal", async () => {
    const err = await refusal(() =>
      weatherPlugin().register({
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
    await plugin.register({ config: { ...validConfig, units: "imperial", region: "eu-west-1" }, envVars: { A: "1" } });
    expect(plugin.config).toMatchObject({ units: "imperial", region: "eu-west-1" });
    await plugin.register({ config: { api_key_env: "OTHER", retries: "1" }, envVars: { B: "2" } });
    expect(plugin.config).toEqual({ api_key_env: "OTHER", retries: 1, units: "metric", max_results: 5, verbose: false });
    expect(plugin.env).toEqual({ B: "2" });
    await refusal(() => plugin.register({ config: { retries: "1" } }));
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
    await typed.register({ config: { n: "4" }, envVars: { E: "e" } });
    expect(seen).toEqual([{ config: { n: 4 }, env: { E: "e" } }]);

    await plugin.register({ config: validConfig });
    refuse = true;
    const err = await refusal(() => plugin.register({ config: { ...validConfig, api_key_env: "NEW" } }));
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

describe("capabilities", () => {
  it("are derived from the providers attached, once each, in the enum's order", async () => {
    const plugin = weatherPlugin();
    expect(plugin.capabilities).toEqual([]);
    plugin.addProvider(fakeViews()).addProvider(fakeHooks()).addProvider(fakeTools());
    // A second service contributing a capability already there: listed once.
    plugin.addProvider(fakeProvider(Capability.TOOL_PROVIDER, LLMProvider));
    expect(plugin.capabilities).toEqual([Capability.TOOL_PROVIDER, Capability.LIFECYCLE_HOOK, Capability.VIEW_PROVIDER]);
    expect(plugin.providers).toHaveLength(4);
    const result = await plugin.register({ config: validConfig });
    expect(result.capabilities).toEqual([Capability.TOOL_PROVIDER, Capability.LIFECYCLE_HOOK, Capability.VIEW_PROVIDER]);
  });

  it("refuse a service attached twice, the plugin's own services and an unknown capability", () => {
    const plugin = weatherPlugin().addProvider(fakeTools());
    expect(() => plugin.addProvider(fakeTools())).toThrow(/already has a agentplatform.v1.ToolProvider provider/);
    expect(() => plugin.addProvider(fakeProvider(Capability.TOOL_PROVIDER, PluginService))).toThrow(/served by the plugin itself/);
    expect(() => plugin.addProvider(fakeProvider(Capability.TOOL_PROVIDER, Health))).toThrow(/served by the plugin itself/);
    expect(() => plugin.addProvider(fakeProvider(Capability.CAPABILITY_UNSPECIFIED, LLMProvider))).toThrow(/capability 0 is not one of/);
    expect(() => plugin.addProvider(fakeProvider(42 as Capability, LLMProvider))).toThrow(/capability 42 is not one of/);
  });

  it("are fixed once the plugin is served", () => {
    const plugin = weatherPlugin();
    sealProviders(plugin);
    const err = (() => {
      try {
        plugin.addProvider(fakeProvider(Capability.TOOL_PROVIDER, ToolProvider));
      } catch (e) {
        return e as AgentwireError;
      }
      throw new Error("expected a refusal");
    })();
    expect(err.code).toBe("failed_precondition");
    expect(err.message).toContain("it is already served");
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
