import {
  AgentwireError,
  defineConfigSchema,
  LLMProvider,
  Plugin,
  stringifyJson,
  upstreamErrorFromResponse,
  type CompletionContext,
  type CompletionRequest,
  type ConfigValues,
} from "@agentwire/agentplatform";
import { toChatCompletionsBody } from "./chat-request.js";
import { emitChatCompletion, streamChatCompletion, type ChatStreamOptions } from "./chat-stream.js";
import { parseSse, StreamReadError } from "./sse.js";

export const pluginVersion = "0.1.0";

/** The plugin's settings, as the workspace's `config {}` block (or the settings form) gives them. */
export const configSchema = defineConfigSchema({
  base_url: {
    type: "string",
    default: "https://api.openai.com/v1",
    pattern: "^https?://[^/@\\s]+(/\\S*)?$",
    description: "The server's API root, up to and without /chat/completions (e.g. http://localhost:11434/v1 for Ollama)",
  },
  api_key_env: {
    type: "string",
    required: true,
    default: "OPENAI_API_KEY",
    pattern: "^[A-Za-z_][A-Za-z0-9_]*$",
    placeholder: "OPENAI_API_KEY",
    description: "The NAME of the environment variable holding the API key (looked up in the workspace's env vars, then the plugin's environment)",
  },
  default_model: {
    type: "string",
    default: "gpt-4o-mini",
    description: "The model used when a request names none",
  },
  default_temperature: {
    type: "number",
    description: "Sampling temperature (0 to 2) used when a request sets none; unset leaves it to the server",
  },
  default_max_tokens: {
    type: "number",
    description: "Completion token limit used when a request sets none; unset leaves it to the server",
  },
});

type OpenAIConfig = ConfigValues<typeof configSchema>;

export interface OpenAIPluginOptions {
  /**
   * The plugin's own environment, where `api_key_env` is looked up when the workspace's env vars do not
   * have it. Default: `process.env`.
   */
  processEnv?: Readonly<Record<string, string | undefined>>;
  /** The HTTP client. Default: the global `fetch`. */
  fetch?: typeof fetch;
}

/** `env_vars` from Register first, then the plugin's environment; empty counts as unset. */
function lookupKey(name: string, registerEnv: Readonly<Record<string, string>>, processEnv: Readonly<Record<string, string | undefined>>): string | undefined {
  const fromRegister = registerEnv[name];
  if (fromRegister !== undefined && fromRegister !== "") return fromRegister;
  const fromProcess = processEnv[name];
  return fromProcess !== undefined && fromProcess !== "" ? fromProcess : undefined;
}

function missingKey(name: string): AgentwireError {
  return new AgentwireError(
    "failed_precondition",
    `api_key_env: the environment variable ${JSON.stringify(name)} is not set (looked in Register's env_vars, then the plugin's environment); set it, or point api_key_env at the variable that holds the key`,
    { details: { field: "api_key_env" } },
  );
}

/** `https://api.openai.com/v1/` to `https://api.openai.com/v1/chat/completions`. */
export function chatCompletionsUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/chat/completions`;
}

/** Why `fetch` failed, with the system error code undici keeps in `cause` (ECONNREFUSED, ENOTFOUND, ...). */
function describeFetchFailure(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause as { code?: unknown; message?: unknown } | undefined;
  const detail = typeof cause?.code === "string" ? cause.code : typeof cause?.message === "string" ? cause.message : undefined;
  return detail === undefined ? err.message : `${err.message} (${detail})`;
}

/** Refuses a config whose defaults are out of range, or whose key variable is not set. */
function checkConfig(config: OpenAIConfig, env: Readonly<Record<string, string>>, processEnv: Readonly<Record<string, string | undefined>>): void {
  const { default_temperature: temperature, default_max_tokens: maxTokens } = config;
  if (temperature !== undefined && (temperature < 0 || temperature > 2)) {
    throw new AgentwireError("invalid_argument", `default_temperature: ${temperature} is outside 0 to 2`, { details: { field: "default_temperature" } });
  }
  if (maxTokens !== undefined && (!Number.isInteger(maxTokens) || maxTokens < 1)) {
    throw new AgentwireError("invalid_argument", `default_max_tokens: ${maxTokens} is not a positive whole number`, { details: { field: "default_max_tokens" } });
  }
  if (lookupKey(config.api_key_env, env, processEnv) === undefined) throw missingKey(config.api_key_env);
}

/**
 * The `LLMProvider` for any OpenAI-compatible Chat Completions server: each `Complete` posts the
 * conversation to `{base_url}/chat/completions` with `stream: true` and streams the answer back, text and
 * tool calls as they arrive. Cancelling the call aborts the upstream request at once.
 */
export class OpenAICompatible extends LLMProvider<typeof configSchema> {
  private readonly processEnv: Readonly<Record<string, string | undefined>>;
  private readonly fetchUpstream: typeof fetch;

  constructor(options: OpenAIPluginOptions = {}) {
    super();
    this.processEnv = options.processEnv ?? process.env;
    this.fetchUpstream = options.fetch ?? globalThis.fetch;
  }

  override async complete(request: CompletionRequest, { emit, signal, logger, config, env }: CompletionContext<typeof configSchema>): Promise<void> {
    const apiKey = lookupKey(config.api_key_env, env, this.processEnv);
    if (apiKey === undefined) throw missingKey(config.api_key_env);
    const body = toChatCompletionsBody(request, {
      model: config.default_model,
      temperature: config.default_temperature,
      maxTokens: config.default_max_tokens,
    });
    const url = chatCompletionsUrl(config.base_url);
    const stream: ChatStreamOptions = { upstream: new URL(url).host, redact: [apiKey], logger };

    let response: Response;
    try {
      response = await this.fetchUpstream(url, {
        method: "POST",
        headers: {
          authorization: `Bearer ${apiKey}`,
          "content-type": "application/json",
          accept: "text/event-stream",
          "user-agent": `agentwire-plugin-openai/${pluginVersion}`,
        },
        // Lossless: a tool schema's bound past 2^53 (a bigint) is sent as written.
        body: stringifyJson(body),
        signal,
      });
    } catch (err) {
      if (signal.aborted) throw err;
      throw new AgentwireError("unavailable", `cannot reach ${url}: ${describeFetchFailure(err)}`, { cause: err });
    }
    if (!response.ok) throw await upstreamErrorFromResponse(response, { upstream: stream.upstream, redact: [apiKey] });

    if ((response.headers.get("content-type") ?? "").includes("application/json")) {
      // A server that ignores `stream: true` answers with the whole completion.
      emitChatCompletion(await response.json(), emit, stream);
      return;
    }
    if (response.body === null) throw new AgentwireError("unavailable", `${stream.upstream} answered HTTP ${response.status} without a body`);
    try {
      await streamChatCompletion(parseSse(response.body), emit, stream);
    } catch (err) {
      if (err instanceof StreamReadError && !signal.aborted) {
        throw new AgentwireError("unavailable", `${stream.upstream}: ${describeFetchFailure(err.cause)}`, { cause: err });
      }
      throw err;
    }
  }

  /** The key the call used: removed from every error message, whatever the upstream echoed. */
  override secrets({ config, env }: CompletionContext<typeof configSchema>): Iterable<string | undefined> {
    return [lookupKey(config.api_key_env, env, this.processEnv)];
  }
}

/**
 * The plugin: the `OpenAICompatible` provider and its settings. `Register` checks the defaults and that the
 * key's variable is set.
 */
export function createOpenAIPlugin(options: OpenAIPluginOptions = {}) {
  const processEnv = options.processEnv ?? process.env;
  return new Plugin({
    name: "openai",
    version: pluginVersion,
    manifest: {
      description: "LLM provider for any OpenAI-compatible Chat Completions server: OpenAI, vLLM, Ollama, LM Studio, OpenRouter and the like",
      author: "agentwire",
      icon: "sparkles",
      type: "remote",
      configSchema,
    },
    providers: [new OpenAICompatible(options)],
    onRegister: ({ config, env }) => checkConfig(config, env, processEnv),
  });
}

/** The plugin `createOpenAIPlugin` makes. */
export type OpenAIPlugin = ReturnType<typeof createOpenAIPlugin>;
