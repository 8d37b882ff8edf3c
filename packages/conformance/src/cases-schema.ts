/** The JSON Schema (2020-12) of `CasesFile` (src/cases.ts); published as cases.schema.json (a test keeps them equal). */
const str = { type: "string" } as const;
const obj = { type: "object" } as const;
const name = { type: "string", minLength: 1, description: "The scenario's name, shown in reports." } as const;

const completionRequest = {
  type: "object",
  additionalProperties: false,
  required: ["messages"],
  properties: {
    model: str,
    messages: {
      type: "array",
      items: { type: "object", additionalProperties: false, required: ["role", "content"], properties: { role: str, content: str } },
    },
    maxTokens: { type: "integer", minimum: 1 },
    availableTools: { type: "array" },
  },
} as const;

export const casesSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://agentwire.dev/schemas/conformance/cases.schema.json",
  title: "agentwire-conformance cases file",
  description: "The author's scenarios for agentwire-conformance. One file may hold the sections of several protocols.",
  type: "object",
  additionalProperties: false,
  properties: {
    $schema: str,
    tasks: {
      description: "Flyte: task scenarios.",
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["name", "taskType"],
        properties: {
          name,
          taskType: { type: "string", minLength: 1 },
          version: { type: "integer", minimum: 0, default: 0 },
          interface: {
            type: "object",
            additionalProperties: false,
            description:
              "Flyte type names: integer, float, string, boolean, datetime, duration, struct, none, blob, [T], {string: T}, union[T1, T2, ...].",
            properties: {
              inputs: { type: "object", additionalProperties: str },
              outputs: { type: "object", additionalProperties: str },
            },
          },
          inputs: obj,
          custom: obj,
          expect: {
            type: "object",
            additionalProperties: false,
            properties: { phase: str, outputs: obj, message: { type: "string", description: "Unanchored regular expression." } },
          },
          abort: { type: "boolean" },
          connection: {
            type: "object",
            additionalProperties: false,
            description: "Flyte 2 only: the connection sent with every call (secrets and configs inline, as the executor resolves them).",
            properties: { secrets: { type: "object", additionalProperties: str }, configs: { type: "object", additionalProperties: str } },
          },
        },
      },
    },
    calls: {
      description: "ActiveWorkflow: receive/check scenarios.",
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["name", "method"],
        properties: {
          name,
          method: { enum: ["receive", "check"] },
          options: obj,
          memory: obj,
          credentials: {
            type: "array",
            items: { type: "object", additionalProperties: false, required: ["name", "value"], properties: { name: str, value: str } },
          },
          payload: obj,
          expect: {
            type: "object",
            additionalProperties: false,
            properties: { messages: { type: "array" }, memory: obj, errors: str, logs: str },
          },
        },
      },
    },
    config: {
      description: "AgentPlatform: sent in Register, as the strings the platform would send.",
      type: "object",
      additionalProperties: { type: ["string", "number", "boolean"] },
    },
    tools: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["name", "tool"],
        properties: {
          name,
          tool: str,
          arguments: {},
          expect: { type: "object", additionalProperties: false, properties: { isError: { type: "boolean" }, result: {} } },
        },
      },
    },
    completions: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["name", "request"],
        properties: {
          name,
          request: completionRequest,
          expect: { type: "object", additionalProperties: false, properties: { finish: str, text: str } },
        },
      },
    },
    cancelUpstream: {
      description:
        "AgentPlatform: the cancel check's upstream witness. Register with config ({{upstream}} replaced by the witness's base URL), send request (default: the first completion's), cancel, and require the upstream request closed.",
      type: "object",
      additionalProperties: false,
      required: ["config"],
      properties: {
        config: { type: "object", additionalProperties: { type: ["string", "number", "boolean"] } },
        request: completionRequest,
      },
    },
    hooks: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["name", "event", "payload"],
        properties: {
          name,
          event: str,
          payload: obj,
          expect: { type: "object", additionalProperties: false, properties: { action: str } },
        },
      },
    },
    views: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["name", "view"],
        properties: {
          name,
          view: str,
          routes: {
            type: "array",
            items: {
              type: "object",
              additionalProperties: false,
              required: ["method", "path"],
              properties: {
                method: str,
                path: str,
                body: {},
                expect: { type: "object", additionalProperties: false, properties: { status: { type: "integer" }, body: {} } },
              },
            },
          },
        },
      },
    },
  },
} as const;
