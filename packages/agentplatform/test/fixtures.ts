import { PassThrough } from "node:stream";
import { AgentwireError, createLogger, silentLogger, type Logger } from "@agentwire/core";
import {
  defineConfigSchema,
  LifecycleHook,
  LLMProvider,
  Plugin,
  ToolProvider,
  ViewProvider,
  type CompletionContext,
  type CompletionRequest,
  type ConfigSchema,
  type InferToolInput,
  type LifecycleEventName,
  type LifecycleHandler,
  type LifecycleHandlerOptions,
  type PluginProvider,
  type RegisterResult,
  type ToolConfig,
  type ToolHandler,
  type ToolInputSchema,
  type ViewOptions,
  type ViewDefinition,
  type RegisteredTool,
} from "../src/index.js";
import { pluginInternals, type AnyPlugin } from "../src/plugin.js";

/** The weather plugin's config: one field of every kind the manifest reference defines. */
export const weatherConfig = defineConfigSchema({
  api_key_env: { type: "string", required: true, description: "Env var holding the API key", placeholder: "WEATHER_API_KEY" },
  units: { type: "string", options: ["metric", "imperial"], default: "metric", uiType: "radio" },
  region: { type: "string", pattern: "^[a-z]{2}-[a-z]+-\\d$", apiSource: "https://regions.example.com/list" },
  max_results: { type: "number", default: 5, description: "How many results" },
  retries: { type: "number", required: true, options: [1, 2, 3] },
  verbose: { type: "bool", default: false },
  cache: { type: "bool" },
});

/** A plugin with one field of every kind the manifest reference defines. */
export function weatherPlugin(
  options: {
    onRegister?: () => void | Promise<void>;
    health?: () => boolean | Promise<boolean>;
    providers?: readonly PluginProvider<typeof weatherConfig>[];
  } = {},
) {
  return new Plugin({
    name: "weather",
    version: "1.2.0",
    manifest: {
      description: "Current weather and forecasts",
      author: "Acme Weather",
      icon: "cloud",
      type: "remote",
      configSchema: weatherConfig,
    },
    metadata: { homepage: "https://weather.example.com" },
    ...(options.providers ? { providers: options.providers } : {}),
    ...(options.onRegister ? { onRegister: options.onRegister } : {}),
    ...(options.health ? { health: options.health } : {}),
  });
}

/** The smallest valid config for `weatherPlugin`. */
export const validConfig = { api_key_env: "WEATHER_KEY", retries: "2" };

/**
 * What the Register RPC does, called directly: the refusal is the AgentwireError itself (with its
 * details), not the ConnectError a client gets.
 */
export function registerDirect(
  plugin: AnyPlugin,
  request: { config?: Record<string, string>; envVars?: Record<string, string> } = {},
  options: { signal?: AbortSignal; logger?: Logger } = {},
): Promise<RegisterResult> {
  return pluginInternals(plugin).register(request, {
    signal: options.signal ?? new AbortController().signal,
    timeoutMs: () => undefined,
    logger: options.logger ?? silentLogger(),
  });
}

/**
 * A ToolProvider whose tools a test declares from outside (`add`), before giving it to a plugin: the
 * class-body style (`x = this.tool(...)`) in a form a table of test cases can drive.
 */
export class TestTools<S extends ConfigSchema = Record<never, never>> extends ToolProvider<S> {
  add<const I extends ToolInputSchema | undefined = undefined>(name: string, config: ToolConfig<I>, handler: ToolHandler<InferToolInput<I>, S>): RegisteredTool {
    return this.tool(name, config, handler);
  }
}

/** A ViewProvider whose views a test declares from outside (`add`). */
export class TestViews<S extends ConfigSchema = Record<never, never>> extends ViewProvider<S> {
  add(options: ViewOptions<S>): ViewDefinition {
    return this.view(options);
  }
}

/** A LifecycleHook whose handlers a test declares from outside (`add`). */
export class TestHook<S extends ConfigSchema = Record<never, never>> extends LifecycleHook<S> {
  add<K extends LifecycleEventName>(event: K, handler: LifecycleHandler<K, S>, options?: LifecycleHandlerOptions): K {
    return this.on(event, handler, options);
  }
}

/** An LLMProvider that answers "ok". */
export class OkLLM extends LLMProvider {
  override complete(_request: CompletionRequest, { emit }: CompletionContext) {
    emit.text("ok");
  }
}

/** A logger whose JSON lines land in `lines`. */
export function capturingLogger(lines: string[], level: "debug" | "info" = "debug"): Logger {
  const stream = new PassThrough();
  stream.on("data", (chunk: Buffer) => lines.push(...chunk.toString().split("\n").filter(Boolean)));
  return createLogger({ destination: stream, level });
}

/** The ConnectError a call failed with; throws if it succeeded (test-support's `grpcError`). */
export { grpcError as rejection } from "@agentwire/test-support";

/** The AgentwireError `fn` throws (or rejects with). */
export async function refusal(fn: () => unknown): Promise<AgentwireError> {
  try {
    await fn();
  } catch (err) {
    if (!(err instanceof AgentwireError)) throw err;
    return err;
  }
  throw new Error("expected a refusal");
}

/** The AgentwireError `fn` throws synchronously. */
export function refusalSync(fn: () => unknown): AgentwireError {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof AgentwireError)) throw err;
    return err;
  }
  throw new Error("expected a refusal");
}
