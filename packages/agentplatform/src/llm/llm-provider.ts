import type { ConfigSchema } from "../config-schema.js";
import { LLMProvider as LLMProviderService } from "../gen/agentplatform/v1/llm_pb.js";
import { Capability } from "../gen/agentplatform/v1/plugin_pb.js";
import type { PluginContext } from "../plugin-context.js";
import { ProviderBase } from "../provider.js";
import type { CompletionEmitter, CompletionEvent } from "./completion-emitter.js";
import type { CompletionRequest } from "./completion-request.js";
import { completionServiceTable } from "./completion-service.js";

/** What `complete` gets besides the request: the plugin's context and the emitter. */
export interface CompletionContext<S extends ConfigSchema = ConfigSchema> extends PluginContext<S> {
  /**
   * Fires when the platform cancels the call, its deadline passes, the server shuts down, or the call is
   * over (after the finish was sent, or it failed). Pass it to the upstream request (`fetch(url, { signal })`)
   * so a cancelled completion stops costing tokens at once.
   */
  readonly signal: AbortSignal;
  /** Streams the completion's events; see `CompletionEmitter`. */
  readonly emit: CompletionEmitter;
}

/** What `complete` may return: nothing (it emitted through `context.emit`) or the events, as an async iterable. */
export type CompleteResult = void | Promise<void> | AsyncIterable<CompletionEvent> | Promise<AsyncIterable<CompletionEvent>>;

/** `complete` as the service calls it. */
export type CompleteHandler = (request: CompletionRequest, context: CompletionContext) => CompleteResult;

/**
 * A plugin's LLM, served as `agentplatform.v1.LLMProvider/Complete`. Extend it, implement `complete`, and
 * give an instance to the plugin (`providers: [new OpenAICompatible()]`): `Register` then reports
 * LLM_PROVIDER.
 *
 * `complete` gets the request as plain data and either streams through `context.emit`, which keeps the
 * stream's invariants (see `CompletionEmitter`), and returns when done, or is an async generator that
 * yields `CompletionEvent`s (pulled one at a time as the platform reads them). Either way the SDK sends the
 * finish if you do not (TOOL_USE when there were tool calls, else STOP), and a throw ends the call with the
 * error (an `UpstreamHttpError` or `AgentwireError` keeps its code; anything else is INTERNAL), after the
 * events already sent. Cancellation reaches it as `context.signal`.
 *
 * ```ts
 * import { defineConfigSchema, LLMProvider, upstreamErrorFromResponse, type CompletionContext, type CompletionRequest } from "@agentwire/agentplatform";
 *
 * const configSchema = defineConfigSchema({ base_url: { type: "string", required: true }, api_key_env: { type: "string", required: true } });
 *
 * export class Upstream extends LLMProvider<typeof configSchema> {
 *   override async complete(request: CompletionRequest, { emit, signal, config }: CompletionContext<typeof configSchema>) {
 *     const apiKey = process.env[config.api_key_env] ?? "";
 *     const res = await fetch(`${config.base_url}/complete`, {
 *       method: "POST",
 *       headers: { authorization: `Bearer ${apiKey}` },
 *       body: JSON.stringify({ model: request.model, messages: request.messages }),
 *       signal,
 *     });
 *     if (!res.ok) throw await upstreamErrorFromResponse(res, { upstream: "upstream", redact: [apiKey] });
 *     const { text } = (await res.json()) as { text: string };
 *     emit.text(text);
 *     emit.usage({ inputTokens: 12, outputTokens: 40 });
 *   }
 *
 *   override secrets({ config }: CompletionContext<typeof configSchema>) {
 *     return [process.env[config.api_key_env]];
 *   }
 * }
 * ```
 */
export abstract class LLMProvider<S extends ConfigSchema = Record<never, never>> extends ProviderBase<S> {
  readonly capability = Capability.LLM_PROVIDER;

  constructor() {
    super("LLMProvider", LLMProviderService, (runtime) => completionServiceTable(this, runtime));
  }

  /** Produces one completion (see the class comment). */
  abstract complete(request: CompletionRequest, context: CompletionContext<S>): CompleteResult;

  /**
   * The secrets to remove from every error message the provider sends or logs, asked for when an error
   * happens (e.g. the API key the call used). Anything shaped like a well-known API key (`sk-...`,
   * `Bearer ...`) is removed whether listed or not. Default: none.
   */
  secrets?(context: CompletionContext<S>): Iterable<string | undefined>;
}
