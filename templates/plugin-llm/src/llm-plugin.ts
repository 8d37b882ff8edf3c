// The plugin: an LLMProvider that streams completions from an OpenAI-compatible Chat Completions server
// (OpenAI, vLLM, Ollama, LM Studio, OpenRouter, or the dev server in scripts/dev-openai.mjs).
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
import { sseData, streamChatCompletion, toChatRequest } from "./openai-chat.js";

/**
 * The plugin's settings: the workspace's `plugin "example-llm" { config { ... } }` block (or its settings
 * form) sets them, and `Register` sends them. YOUR CODE: add the settings your provider needs here; every
 * handler's `context.config` is typed from this schema.
 */
export const configSchema = defineConfigSchema({
  base_url: {
    type: "string",
    default: "",
    pattern: "^(https?://\\S+)?$",
    description: "The server's API root, up to /chat/completions (e.g. https://api.openai.com/v1); empty: the OPENAI_BASE_URL environment variable",
  },
  api_key_env: {
    type: "string",
    default: "OPENAI_API_KEY",
    pattern: "^[A-Za-z_][A-Za-z0-9_]*$",
    description: "The NAME of the environment variable that holds the API key",
  },
  default_model: {
    type: "string",
    default: "gpt-4o-mini",
    description: "The model used when a request names none",
  },
});

type Config = ConfigValues<typeof configSchema>;
type Context = CompletionContext<typeof configSchema>;

/** The environment variable read when `base_url` is empty. */
export const baseUrlVariable = "OPENAI_BASE_URL";

/** A variable from Register's env_vars (the workspace's), then the plugin's own environment; empty is unset. */
function lookup(name: string, env: Readonly<Record<string, string>>): string | undefined {
  const value = env[name] || process.env[name];
  return value === undefined || value === "" ? undefined : value;
}

/** Where to send completions and with which key, or a FAILED_PRECONDITION naming what is missing. */
export function upstreamOf(config: Config, env: Readonly<Record<string, string>>): { url: string; apiKey: string } {
  const base = config.base_url || lookup(baseUrlVariable, env);
  if (base === undefined) {
    throw new AgentwireError(
      "failed_precondition",
      `no server to send completions to: set the ${baseUrlVariable} environment variable (or the plugin's base_url setting) to an OpenAI-compatible API root such as https://api.openai.com/v1`,
    );
  }
  const apiKey = lookup(config.api_key_env, env);
  if (apiKey === undefined) {
    throw new AgentwireError("failed_precondition", `no API key: the environment variable ${config.api_key_env} (named by api_key_env) is not set`);
  }
  return { url: `${base.replace(/\/+$/, "")}/chat/completions`, apiKey };
}

/**
 * Each `Complete` posts the conversation to `{base_url}/chat/completions` with `stream: true` and streams
 * the answer back as it arrives. Cancelling the call (the user stops the turn) aborts the upstream request.
 */
export class OpenAICompatibleLLM extends LLMProvider<typeof configSchema> {
  override async complete(request: CompletionRequest, context: Context): Promise<void> {
    const { emit, signal, config, env, logger } = context;
    const { url, apiKey } = upstreamOf(config, env);
    // YOUR CODE: change the request here (a system prompt, a model mapping, extra parameters).
    const body = toChatRequest(request, { model: config.default_model });
    logger.debug({ model: body.model, messages: body.messages.length, tools: request.tools.length }, "completion requested");

    let response: Response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json", accept: "text/event-stream" },
        body: stringifyJson(body), // lossless: a tool schema's big numbers go on as written
        signal,
      });
    } catch (err) {
      if (signal.aborted) throw err; // cancelled: the SDK answers CANCELED
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      throw new AgentwireError("unavailable", `cannot reach ${url}${cause ? ` (${cause})` : ""}: is the server running, and is ${baseUrlVariable} (or base_url) right?`, { cause: err });
    }
    // 401 → UNAUTHENTICATED, 429 → RESOURCE_EXHAUSTED, 5xx → UNAVAILABLE..., with the server's own message.
    if (!response.ok) throw await upstreamErrorFromResponse(response, { upstream: new URL(url).host, redact: [apiKey] });
    if (response.body === null) throw new AgentwireError("unavailable", `${url} answered without a body`);
    try {
      await streamChatCompletion(sseData(response.body), emit, new URL(url).host);
    } catch (err) {
      // The connection broke mid-stream (not a cancelled call, not a refusal of ours): the server is at fault.
      if (signal.aborted || err instanceof AgentwireError) throw err;
      throw new AgentwireError("unavailable", `the stream from ${url} broke: ${(err as Error).message}`, { cause: err });
    }
  }

  /** The key is removed from every error message the provider sends or logs, whatever the server echoed. */
  override secrets({ config, env }: Context): Iterable<string | undefined> {
    return [lookup(config.api_key_env, env)];
  }
}

/** The plugin `main.ts` serves and the tests drive. */
export function createLlmPlugin() {
  return new Plugin({
    // The workspace's `plugin "example-llm"` block must use this name.
    name: "example-llm",
    version: "0.1.0",
    manifest: {
      description: "Completions from an OpenAI-compatible Chat Completions server",
      author: "agentwire-template-plugin-llm",
      type: "remote",
      configSchema,
    },
    providers: [new OpenAICompatibleLLM()],
    // Refuses Register (so the workspace shows the problem at once) when the server or the key is missing.
    onRegister: ({ config, env }) => void upstreamOf(config, env),
  });
}
