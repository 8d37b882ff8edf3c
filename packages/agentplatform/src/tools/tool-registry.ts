import { abortError, untilAborted } from "../call-abort.js";
import type { ConnectRouter } from "@connectrpc/connect";
import { AgentwireError, lazyChildLogger, messageOf, silentLogger, type Logger } from "@agentwire/core";
import type { ConfigSchema, ConfigValues } from "../config-schema.js";
import { Capability } from "../gen/agentplatform/v1/plugin_pb.js";
import { ToolProvider } from "../gen/agentplatform/v1/tool_pb.js";
import type { Plugin } from "../plugin.js";
import type { PluginProvider, ProviderRoutesContext } from "../plugin-provider.js";
import { toConnectError } from "../wire-error.js";
import type { JsonSchema } from "./json-schema.js";
import type { ToolContext } from "./tool-context.js";
import { resolveToolInput, type InferToolInput, type ResolvedToolInput, type ToolInputSchema } from "./tool-input.js";
import { encodeResult, errorResult, type ToolCallResult } from "./tool-result.js";

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
   * JSON Schema (zod ≥ 4.2 does) unless `jsonSchema` is given. A JSON Schema (draft 2020-12, or draft-07
   * by its `$schema`) is compiled once, here, and validates with ajv; the handler gets the arguments as
   * sent. Default: no declared arguments (any object is accepted).
   */
  inputSchema?: I;
  /**
   * The JSON Schema to send instead of the one a Standard Schema `inputSchema` derives: for a library
   * without Standard JSON Schema, or to say more than it can (descriptions, examples). Sent as given
   * (object-rooted); `inputSchema` still does the validating. Default: derived from `inputSchema`.
   */
  jsonSchema?: JsonSchema;
}

/** A tool handler: its validated arguments in, any JSON-serializable value out (see `ToolRegistry`). */
export type ToolHandler<Input, S extends ConfigSchema = ConfigSchema> = (input: Input, context: ToolContext<S>) => unknown;

/** A registered tool, as ListTools describes it. */
export interface RegisteredTool {
  readonly name: string;
  readonly description: string;
  /** The object-rooted JSON Schema sent as `parameters_json_schema` (frozen). */
  readonly jsonSchema: Readonly<Record<string, unknown>>;
  /** `jsonSchema` as the JSON text sent. */
  readonly parametersJsonSchema: string;
}

/** How a call reaches `executeTool`: the RPC's signal and deadline, and the server's logger. */
export interface ToolCallOptions {
  /** Default: a signal that never fires. */
  signal?: AbortSignal;
  /** Default: no deadline. */
  timeoutMs?: () => number | undefined;
  /** Default: a logger that drops everything. */
  logger?: Logger;
}

interface ToolEntry extends RegisteredTool {
  readonly input: ResolvedToolInput;
  readonly handler: ToolHandler<unknown>;
}

const sealed = new WeakSet<object>();

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function jsonKind(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`;
}

/** For calls made directly, without a server's logger: one for all of them, not one per call. */
const quietLogger = silentLogger();

/**
 * The `ctx` a tool handler gets. A class, so `config` and `env` are getters on its prototype: an object
 * literal with getters costs a dictionary-mode object per call, measurable in the benchmark.
 */
class CallToolContext<S extends ConfigSchema> implements ToolContext<S> {
  /** Set when the handler read config or env before the platform's first Register. */
  readConfigTooEarly = false;

  constructor(
    readonly tool: string,
    readonly signal: AbortSignal,
    readonly timeoutMs: () => number | undefined,
    readonly logger: Logger,
    private readonly plugin: { readonly registered: boolean; readonly config: ConfigValues<S>; readonly env: Readonly<Record<string, string>> },
  ) {}

  get config(): ConfigValues<S> {
    if (!this.plugin.registered) this.readConfigTooEarly = true;
    return this.plugin.config;
  }

  get env(): Readonly<Record<string, string>> {
    if (!this.plugin.registered) this.readConfigTooEarly = true;
    return this.plugin.env;
  }
}

/**
 * A plugin's tools, served as the `ToolProvider` service: ListTools describes them, ExecuteTool validates
 * the arguments and runs the handler. Create one for a plugin, register tools, and attach it with
 * `plugin.addProvider(tools)`: `Register` then reports TOOL_PROVIDER, and handlers see the plugin's typed
 * config in `context.config`.
 *
 * ```ts
 * const plugin = new Plugin({
 *   name: "files",
 *   version: "1.0.0",
 *   manifest: { description: "Read files", author: "Acme", configSchema: { root: { type: "string", required: true } } },
 * });
 * const tools = new ToolRegistry(plugin);
 * tools.registerTool(
 *   "read_file",
 *   { description: "Reads a text file under the root", inputSchema: z.object({ path: z.string().describe("Relative path") }) },
 *   async ({ path }, { config }) => ({ content: await readFile(join(config.root, path), "utf8") }),
 * );
 * plugin.addProvider(tools);
 * await servePlugin(plugin);
 * ```
 *
 * What ExecuteTool answers (the `result_json` is JSON text in every case):
 * - the handler's return value, `JSON.stringify`-ed: a string result is sent as a JSON string, and
 *   `undefined` as `null`;
 * - `is_error` with `{"error": "invalid arguments for tool \"read_file\": path: required (…the schema's own message…)", "issues": [...]}`
 *   for arguments that are not JSON, not an object or not valid (`""` counts as `{}`);
 * - `is_error` with `{"error": "<the exception's message>"}` when the handler throws (logged with its stack
 *   as a warning), or returns a value with no JSON form (logged as an error);
 * - gRPC NOT_FOUND for a tool it does not have, CANCELED or DEADLINE_EXCEEDED when the call's signal
 *   fires first, FAILED_PRECONDITION when a handler reads `config` before the platform's `Register`. These
 *   are the platform's problems, not the agent's, as in MCP's split between tool errors and protocol errors.
 */
export class ToolRegistry<S extends ConfigSchema = ConfigSchema> implements PluginProvider {
  readonly capability = Capability.TOOL_PROVIDER;
  readonly service = ToolProvider;
  private readonly plugin: Plugin<S>;
  private readonly entries = new Map<string, ToolEntry>();

  constructor(plugin: Plugin<S>) {
    this.plugin = plugin;
  }

  /**
   * Adds a tool. Refused with INVALID_ARGUMENT (naming the tool and what is wrong) for a name that does not
   * match `toolNamePattern`, a blank description or an input schema that cannot be sent or validated;
   * ALREADY_EXISTS for a name taken; FAILED_PRECONDITION once the plugin is served (the platform lists
   * tools once, after Register).
   */
  registerTool<const I extends ToolInputSchema | undefined = undefined>(
    name: string,
    config: ToolConfig<I>,
    handler: ToolHandler<InferToolInput<I>, S>,
  ): RegisteredTool {
    if (sealed.has(this)) {
      throw new AgentwireError(
        "failed_precondition",
        `cannot register tool ${JSON.stringify(name)}: plugin ${JSON.stringify(this.plugin.name)} is already served, and the platform lists tools once (register tools before servePlugin or createPluginRoutes)`,
      );
    }
    if (typeof name !== "string" || !toolNamePattern.test(name)) {
      throw new AgentwireError(
        "invalid_argument",
        `tool name ${JSON.stringify(name)} must be 1 to 64 letters, digits, "_" or "-" (${String(toolNamePattern)}), as LLM function calling requires`,
      );
    }
    if (this.entries.has(name)) {
      throw new AgentwireError("already_exists", `tool ${JSON.stringify(name)} is already registered on plugin ${JSON.stringify(this.plugin.name)}; tool names must be unique`);
    }
    if (typeof config.description !== "string" || config.description.trim() === "") {
      throw new AgentwireError("invalid_argument", `tool ${JSON.stringify(name)}: description is required; it is what tells the LLM when to use the tool`);
    }
    if (typeof handler !== "function") {
      throw new AgentwireError("invalid_argument", `tool ${JSON.stringify(name)}: the handler must be a function`);
    }
    const input = resolveToolInput(name, config.inputSchema, config.jsonSchema);
    const entry: ToolEntry = {
      name,
      description: config.description,
      jsonSchema: input.jsonSchema,
      parametersJsonSchema: input.parametersJsonSchema,
      input,
      handler: handler as ToolHandler<unknown>,
    };
    this.entries.set(name, entry);
    return { name, description: entry.description, jsonSchema: entry.jsonSchema, parametersJsonSchema: entry.parametersJsonSchema };
  }

  /** The tools, in the order they were registered. */
  get tools(): readonly RegisteredTool[] {
    return [...this.entries.values()].map(({ name, description, jsonSchema, parametersJsonSchema }) => ({
      name,
      description,
      jsonSchema,
      parametersJsonSchema,
    }));
  }

  /** What ListTools answers: `ToolDefinition`s in registration order. */
  listTools(): { name: string; description: string; parametersJsonSchema: string }[] {
    return [...this.entries.values()].map((t) => ({ name: t.name, description: t.description, parametersJsonSchema: t.parametersJsonSchema }));
  }

  /**
   * What the ExecuteTool RPC does (see the class comment). Throws an `AgentwireError` for what the RPC
   * answers with a gRPC status (`not_found`, `failed_precondition`, `canceled`) and the abort's error for a
   * fired signal; every other outcome is a result.
   */
  async executeTool(request: { name: string; argumentsJson: string }, options: ToolCallOptions = {}): Promise<ToolCallResult> {
    const entry = this.entries.get(request.name);
    if (entry === undefined) {
      const known = [...this.entries.keys()];
      throw new AgentwireError(
        "not_found",
        `plugin ${JSON.stringify(this.plugin.name)} has no tool ${JSON.stringify(request.name)} (${known.length === 0 ? "it has no tools" : `its tools: ${known.join(", ")}`})`,
        { details: { tool: request.name } },
      );
    }
    const signal = options.signal ?? new AbortController().signal;
    const logger = lazyChildLogger(options.logger ?? quietLogger, { tool: entry.name });
    const started = performance.now();
    const result = await this.run(entry, request.argumentsJson, signal, logger, options.timeoutMs ?? (() => undefined));
    logger.debug({ isError: result.isError, ms: Math.round(performance.now() - started) }, `tool call ${entry.name}`);
    return result;
  }

  private async run(entry: ToolEntry, argumentsJson: string, signal: AbortSignal, logger: Logger, timeoutMs: () => number | undefined): Promise<ToolCallResult> {
    const invalid = (detail: string, issues?: ToolCallResultIssues) => {
      const message = `invalid arguments for tool ${JSON.stringify(entry.name)}: ${detail}`;
      logger.debug({ issues }, message);
      return errorResult(message, issues);
    };

    // Some LLM APIs send no arguments at all for a tool that takes none.
    let args: unknown = {};
    if (argumentsJson.trim() !== "") {
      try {
        args = JSON.parse(argumentsJson);
      } catch (err) {
        return invalid(`arguments_json is not valid JSON (${messageOf(err)})`);
      }
    }
    if (!isPlainObject(args)) return invalid(`the arguments must be a JSON object of named values, got ${jsonKind(args)}`);

    const checked = await untilAborted(entry.input.check(args), signal, "tool call");
    if (!checked.ok) {
      return invalid(checked.issues.map((i) => (i.path === "" ? i.message : `${i.path}: ${i.message}`)).join("; "), checked.issues);
    }

    const context = new CallToolContext<S>(entry.name, signal, timeoutMs, logger, this.plugin);

    let value: unknown;
    try {
      value = await untilAborted(Promise.resolve().then(() => entry.handler(checked.value, context)), signal, "tool call");
    } catch (err) {
      if (signal.aborted) throw abortError(signal, "tool call");
      if (context.readConfigTooEarly && !this.plugin.registered) {
        throw new AgentwireError(
          "failed_precondition",
          `tool ${JSON.stringify(entry.name)} needs the plugin's config, and the platform has not called Register on plugin ${JSON.stringify(this.plugin.name)}`,
          { cause: err },
        );
      }
      logger.warn({ err }, `tool ${entry.name} failed: ${messageOf(err)}`);
      return errorResult(messageOf(err));
    }
    // The platform stopped waiting; what the handler returned after that goes nowhere.
    if (signal.aborted) throw abortError(signal, "tool call");
    try {
      return { resultJson: encodeResult(value), isError: false };
    } catch (err) {
      const message = `tool ${JSON.stringify(entry.name)} returned a value that cannot be sent as JSON: ${messageOf(err)}`;
      logger.error({ err }, message);
      return errorResult(message);
    }
  }

  /** Mounts the `ToolProvider` service (called by the plugin's routes; the registry takes no more tools after). */
  registerRoutes(router: ConnectRouter, context: ProviderRoutesContext): void {
    if (!this.plugin.providers.includes(this)) {
      throw new AgentwireError(
        "failed_precondition",
        `this ToolRegistry was made for plugin ${JSON.stringify(this.plugin.name)}, whose config its handlers read, but that plugin does not have it: attach it with plugin.addProvider(tools)`,
      );
    }
    sealed.add(this);
    const logger = context.logger;
    router.service(ToolProvider, {
      listTools: () => ({ tools: this.listTools() }),
      executeTool: async (req, ctx) => {
        try {
          return await this.executeTool({ name: req.name, argumentsJson: req.argumentsJson }, { signal: ctx.signal, timeoutMs: ctx.timeoutMs, logger });
        } catch (err) {
          if (!ctx.signal.aborted) logger.info({ tool: req.name }, `ExecuteTool refused: ${messageOf(err)}`);
          throw toConnectError(err);
        }
      },
    });
  }
}

type ToolCallResultIssues = Parameters<typeof errorResult>[1];
