import { describe, expect, it } from "vitest";
import { Plugin } from "../src/index.js";
import { weatherPlugin } from "./fixtures.js";
import { buildHclCheck, hashicorpHcl, skipGo } from "./hashicorp-hcl.js";
import { goSuiteName, pythonSuiteName } from "@agentwire/test-support";
import { parseHcl, requirePython, skipPython } from "./python.js";

const weatherHcl = `plugin "weather" {
  version     = "1.2.0"
  description = "Current weather and forecasts"
  author      = "Acme Weather"
  icon        = "cloud"
  type        = "remote"

  config_schema {
    field "api_key_env" {
      type        = "string"
      required    = true
      description = "Env var holding the API key"
      placeholder = "WEATHER_API_KEY"
    }

    field "units" {
      type    = "string"
      ui_type = "radio"
      default = "metric"
      options = ["metric", "imperial"]
    }

    field "region" {
      type       = "string"
      pattern    = "^[a-z]{2}-[a-z]+-\\\\d$"
      api_source = "https://regions.example.com/list"
    }

    field "max_results" {
      type        = "number"
      default     = "5"
      description = "How many results"
    }

    field "retries" {
      type     = "number"
      required = true
      options  = ["1", "2", "3"]
    }

    field "verbose" {
      type    = "bool"
      default = "false"
    }

    field "cache" {
      type = "bool"
    }
  }
}
`;

describe("manifest HCL", () => {
  it("is one plugin block with the manifest reference's attributes, in its order", () => {
    expect(weatherPlugin().manifestHcl).toBe(weatherHcl);
  });

  it("has no config_schema block without fields, and says remote unless told otherwise", () => {
    const plugin = new Plugin({ name: "bare", version: "0.1.0", manifest: { description: "Nothing", author: "Me" } });
    expect(plugin.manifestHcl).toBe(
      'plugin "bare" {\n  version     = "0.1.0"\n  description = "Nothing"\n  author      = "Me"\n  type        = "remote"\n}\n',
    );
    const local = new Plugin({ name: "l", version: "0.1.0", manifest: { description: "d", author: "a", type: "local" } });
    expect(local.manifestHcl).toContain('type        = "local"');
  });
});

describe.skipIf(skipPython)(pythonSuiteName("manifest HCL parsed by python-hcl2"), () => {
  it("parses to the manifest: attributes, field blocks in order, string defaults and options", async () => {
    requirePython();
    const parsed = await parseHcl(weatherPlugin().manifestHcl);
    expect(parsed).toEqual({
      plugin: [
        {
          weather: {
            version: "1.2.0",
            description: "Current weather and forecasts",
            author: "Acme Weather",
            icon: "cloud",
            type: "remote",
            config_schema: [
              {
                field: [
                  {
                    api_key_env: {
                      type: "string",
                      required: true,
                      description: "Env var holding the API key",
                      placeholder: "WEATHER_API_KEY",
                    },
                  },
                  { units: { type: "string", ui_type: "radio", default: "metric", options: ["metric", "imperial"] } },
                  { region: { type: "string", pattern: "^[a-z]{2}-[a-z]+-\\d$", api_source: "https://regions.example.com/list" } },
                  { max_results: { type: "number", default: "5", description: "How many results" } },
                  { retries: { type: "number", required: true, options: ["1", "2", "3"] } },
                  { verbose: { type: "bool", default: "false" } },
                  { cache: { type: "bool" } },
                ],
              },
            ],
          },
        },
      ],
    });
  });

  it("keeps hostile text intact: quotes, newlines, template sequences, non-ASCII", async () => {
    requirePython();
    const text = 'Says "hi"\nthen ${interpolates} %{ if x } \\ 😀 é';
    const plugin = new Plugin({
      name: 'odd "name" ${x}',
      version: "1.0.0",
      manifest: {
        description: text,
        author: "O'Brien <ob@example.com>",
        configSchema: { f: { type: "string", default: "${HOME}", options: ["${HOME}", "%{x}"], placeholder: "\t" } },
      },
    });
    const parsed = (await parseHcl(plugin.manifestHcl)) as { plugin: Array<Record<string, Record<string, unknown>>> };
    const [label, body] = Object.entries(parsed.plugin[0]!)[0]!;
    expect(label).toBe('odd "name" ${x}');
    expect(body.description).toBe(text);
    expect(body.author).toBe("O'Brien <ob@example.com>");
    expect(body.config_schema).toEqual([{ field: [{ f: { type: "string", default: "${HOME}", options: ["${HOME}", "%{x}"], placeholder: "\t" } }] }]);
  });
});

describe.skipIf(skipGo)(goSuiteName("manifest HCL decoded by HashiCorp's HCL (Go), as a Go platform would"), () => {
  it("decodes strictly into the manifest reference's shape: nothing extra, every value of its type", async () => {
    await buildHclCheck();
    expect(await hashicorpHcl("manifest", weatherPlugin().manifestHcl)).toEqual({
      name: "weather",
      version: "1.2.0",
      description: "Current weather and forecasts",
      author: "Acme Weather",
      icon: "cloud",
      type: "remote",
      config_schema: {
        fields: [
          { name: "api_key_env", type: "string", required: true, description: "Env var holding the API key", placeholder: "WEATHER_API_KEY" },
          { name: "units", type: "string", ui_type: "radio", default: "metric", options: ["metric", "imperial"] },
          { name: "region", type: "string", pattern: "^[a-z]{2}-[a-z]+-\\d$", api_source: "https://regions.example.com/list" },
          { name: "max_results", type: "number", default: "5", description: "How many results" },
          { name: "retries", type: "number", required: true, options: ["1", "2", "3"] },
          { name: "verbose", type: "bool", default: "false" },
          { name: "cache", type: "bool" },
        ],
      },
    });
  }, 300_000);

  it("keeps hostile text intact", async () => {
    const text = 'Says "hi"\nthen ${interpolates} %{ if x } \\ 😀 é';
    const plugin = new Plugin({ name: 'odd "name" ${x}', version: "1.0.0", manifest: { description: text, author: "a", configSchema: { f: { type: "string", default: "${HOME}" } } } });
    expect(await hashicorpHcl("manifest", plugin.manifestHcl)).toMatchObject({
      name: 'odd "name" ${x}',
      description: text,
      config_schema: { fields: [{ name: "f", default: "${HOME}" }] },
    });
  }, 300_000);

  it("is a check with teeth: an attribute the reference does not define, or a value of the wrong type, is refused", async () => {
    const hcl = weatherPlugin().manifestHcl;
    await expect(hashicorpHcl("manifest", hcl.replace('type        = "remote"', 'type        = "remote"\n  protocol_version = "1"'))).rejects.toThrow(
      /Unsupported argument; An argument named "protocol_version" is not expected here/,
    );
    await expect(hashicorpHcl("manifest", hcl.replace("required    = true", 'required    = "maybe"'))).rejects.toThrow(/Unsuitable value type/);
    await expect(hashicorpHcl("manifest", hcl.replace('default = "false"', 'default = ["false"]'))).rejects.toThrow(/Unsuitable value type/);
  }, 300_000);
});
