import { AgentwireError } from "@agentwire/core";
import type { ConfigSchema } from "../config-schema.js";
import { Capability } from "../gen/agentplatform/v1/plugin_pb.js";
import { ToolProvider as ToolProviderService } from "../gen/agentplatform/v1/tool_pb.js";
import { checkDeclarable, declarationFailed, ProviderBase } from "../provider.js";
import type { JsonSchema } from "./json-schema.js";
import type { ToolContext } from "./tool-context.js";
import { resolveToolInput, type InferToolInput, type ResolvedToolInput, type ToolInputSchema } from "./tool-input.js";
import { toolServiceTable } from "./tool-service.js";

/**
 * What a tool name must match: letters, digits, `_` and `-`, 1 to 64 characters. That is what OpenAI's and
 * Anthropic's function calling both accept, and the platform hands tool names to whichever LLM it runs.
 */
export const toolNamePattern = /^[a-zA-Z0-9_-]{1,64}$/;

/** How a tool is declared: what the LLM is told about it and what its arguments must be. */
export interface ToolConfig<I extends ToolInputSchema | undefined = ToolInputSchema | undefined> {
  /** What the tool does and when to use it, shown to the LLM. Required and non-blank. */
  description: string;
  /**
   * The arguments: a Standard Schema (zod 4, valibot, ...) or a JSON Schema object, with `type: "object"`
   * at the root (added when the root has no `type`; any other root type is refused). A Standard Schema
   * validates, and the handler gets its output (defaults and transforms applied); it must implement Standard
   * JSON Schema (zod ≥ 4.2 does) unless `jsonSchema` is given. A JSON Schema validates with this package's
   * validator, and the handler gets the arguments with every number a double holds exactly as a `number`
   * (`1.0` is 1) and the others exact (an integer past 2^53 a `bigint`, more digits than a double holds a
   * `LosslessNumber`), as `InferJsonSchema` types them. Default: no declared arguments (any object is
   * accepted, and the handler gets it exactly as sent, as a `JsonObject`).
   */
  inputSchema?: I;
  /**
   * The JSON Schema to send instead of the one a Standard Schema `inputSchema` derives: for a library
   * without Standard JSON Schema, or to say more than it can (descriptions, examples). Sent as given
   * (object-rooted); `inputSchema` still does the validating. Default: derived from `inputSchema`.
   */
  jsonSchema?: JsonSchema;
}

/** A tool handler: its validated arguments in, any JSON value out (see `ToolProvider`). */
export type ToolHandler<Input, S extends ConfigSchema = ConfigSchema> = (input: Input, context: ToolContext<S>) => unknown;

/** A declared tool, as ListTools describes it. */
export interface RegisteredTool {
  readonly name: string;
  readonly description: string;
  /** The object-rooted JSON Schema sent as `parameters_json_schema` (frozen). */
  readonly jsonSchema: Readonly<Record<string, unknown>>;
  /** `jsonSchema` as the JSON text sent. */
  readonly parametersJsonSchema: string;
}

/** A tool with what ExecuteTool needs: the checked input and the handler. */
export interface ToolEntry extends RegisteredTool {
  readonly input: ResolvedToolInput;
  readonly handler: ToolHandler<unknown>;
}

const entriesOf = new WeakMap<object, Map<string, ToolEntry>>();

/** The tools of a provider, by name, in declaration order. */
export function toolEntries(provider: object): ReadonlyMap<string, ToolEntry> {
  return entriesOf.get(provider) ?? new Map();
}

/**
 * A plugin's tools, served as `agentplatform.v1.ToolProvider`: ListTools describes them, ExecuteTool
 * validates the arguments and runs the handler. Extend it, declare each tool with `this.tool(...)` in the
 * class body, and give an instance to the plugin (`new Plugin({ ..., providers: [new FileTools()] })`):
 * `Register` then reports TOOL_PROVIDER. `S`, the plugin's config schema, types `context.config` in every
 * handler.
 *
 * ```ts
 * import { readFile } from "node:fs/promises";
 * import { join } from "node:path";
 * import { defineConfigSchema, Plugin, serve, ToolProvider } from "@agentwire/agentplatform";
 * import { z } from "zod";
 *
 * const configSchema = defineConfigSchema({ root: { type: "string", required: true } });
 *
 * class FileTools extends ToolProvider<typeof configSchema> {
 *   readFile = this.tool(
 *     "read_file",
 *     { description: "Reads a text file under the root", inputSchema: z.object({ path: z.string().describe("Relative path") }) },
 *     async ({ path }, { config }) => ({ content: await readFile(join(config.root, path), "utf8") }),
 *   );
 * }
 *
 * const plugin = new Plugin({
 *   name: "files",
 *   version: "1.0.0",
 *   manifest: { description: "Read files", author: "Acme", configSchema },
 *   providers: [new FileTools()],
 * });
 * await serve({ plugin });
 * ```
 *
 * What ExecuteTool answers (the `result_json` is JSON text in every case):
 * - the handler's return value as JSON (lossless: a `bigint` or `LosslessNumber` is written exactly): a
 *   string result is sent as a JSON string, and `undefined` as `null`;
 * - `is_error` with `{"error": "invalid arguments for tool \"read_file\": path: required (…the schema's own message…)", "issues": [...]}`
 *   for arguments that are not JSON, not an object or not valid (`""` counts as `{}`);
 * - `is_error` with `{"error": "<the exception's message>"}` when the handler throws (logged with its stack
 *   as a warning), or returns a value with no JSON form (logged as an error);
 * - gRPC NOT_FOUND for a tool it does not have, CANCELED or DEADLINE_EXCEEDED when the call's signal
 *   fires first, FAILED_PRECONDITION when a handler reads `config` before the platform's `Register`. These
 *   are the platform's problems, not the agent's, as in MCP's split between tool errors and protocol errors.
 */
export abstract class ToolProvider<S extends ConfigSchema = Record<never, never>> extends ProviderBase<S> {
  readonly capability = Capability.TOOL_PROVIDER;

  constructor() {
    super("ToolProvider", ToolProviderService, (runtime) => toolServiceTable(this, runtime));
    entriesOf.set(this, new Map());
  }

  /**
   * Declares a tool; call it in the class body (`readFile = this.tool(...)`) or the constructor. The
   * handler's arguments are typed from `inputSchema`, its `context.config` from the class's config schema.
   * Refused with INVALID_ARGUMENT (naming the tool and what is wrong) for a name that does not match
   * `toolNamePattern`, a blank description or an input schema that cannot be sent or validated;
   * ALREADY_EXISTS for a name taken; FAILED_PRECONDITION once the provider is attached to its plugin (the
   * platform lists tools once, after Register).
   */
  protected tool<const I extends ToolInputSchema | undefined = undefined>(
    name: string,
    config: ToolConfig<I>,
    handler: ToolHandler<InferToolInput<I>, S>,
  ): RegisteredTool {
    try {
      return this.declareTool(name, config, handler as ToolHandler<unknown>);
    } catch (err) {
      return declarationFailed(this, err);
    }
  }

  private declareTool(name: string, config: ToolConfig, handler: ToolHandler<unknown>): RegisteredTool {
    checkDeclarable(this, `tool ${JSON.stringify(name)}`);
    const entries = entriesOf.get(this)!;
    if (typeof name !== "string" || !toolNamePattern.test(name)) {
      throw new AgentwireError(
        "invalid_argument",
        `tool name ${JSON.stringify(name)} must be 1 to 64 letters, digits, "_" or "-" (${String(toolNamePattern)}), as LLM function calling requires`,
      );
    }
    if (entries.has(name)) {
      throw new AgentwireError("already_exists", `tool ${JSON.stringify(name)} is declared twice in ${this.constructor.name}; tool names must be unique`);
    }
    if (typeof config !== "object" || config === null || typeof config.description !== "string" || config.description.trim() === "") {
      throw new AgentwireError("invalid_argument", `tool ${JSON.stringify(name)}: description is required; it is what tells the LLM when to use the tool`);
    }
    if (typeof handler !== "function") {
      throw new AgentwireError("invalid_argument", `tool ${JSON.stringify(name)}: the handler must be a function`);
    }
    const input = resolveToolInput(name, config.inputSchema, config.jsonSchema);
    const tool: RegisteredTool = Object.freeze({
      name,
      description: config.description,
      jsonSchema: input.jsonSchema,
      parametersJsonSchema: input.parametersJsonSchema,
    });
    entries.set(name, { ...tool, input, handler });
    return tool;
  }

  /** The tools, in the order they were declared, as ListTools describes them. */
  get tools(): readonly RegisteredTool[] {
    return [...toolEntries(this).values()].map(({ name, description, jsonSchema, parametersJsonSchema }) => ({
      name,
      description,
      jsonSchema,
      parametersJsonSchema,
    }));
  }
}
