import type { ConnectRouter, HandlerContext } from "@connectrpc/connect";
import { ConnectError } from "@connectrpc/connect";
import { AgentwireError, messageOf, type Logger } from "@agentwire/core";
import { FinishReason, LLMProvider, type CompleteRequest } from "../gen/agentplatform/v1/llm_pb.js";
import { Capability } from "../gen/agentplatform/v1/plugin_pb.js";
import type { PluginCallContext } from "../plugin.js";
import type { PluginProvider } from "../plugin-provider.js";
import { toConnectError } from "../wire-error.js";
import { StreamEmitter, type CompletionEmitter, type CompletionEvent, type CompletionWireEvent } from "./completion-emitter.js";
import { toCompletionRequest, type CompletionRequest } from "./completion-request.js";
import { EventChannel } from "./event-channel.js";
import { redactSecrets } from "./redact.js";

/** What `complete` gets besides the request. */
export interface CompletionContext extends PluginCallContext {
  /**
   * Fires when the platform cancels the call, its deadline passes, the server shuts down, or the call is
   * over (after the finish was sent, or it failed). Pass it to the upstream request (`fetch(url, { signal })`)
   * so a cancelled completion stops costing tokens at once.
   */
  readonly signal: AbortSignal;
  /** Streams the completion's events; see `CompletionEmitter`. */
  readonly emit: CompletionEmitter;
}

/**
 * Produces one completion. Either emit through `context.emit` and return (or resolve) when done, or be an
 * async generator that yields `CompletionEvent`s (pulled one at a time as the platform reads them). Either
 * way the SDK sends the finish if you do not (TOOL_USE when there were tool calls, else STOP), and a throw
 * ends the call with the error (an `UpstreamHttpError` or `AgentwireError` keeps its code; anything else is
 * INTERNAL), after the events already sent.
 */
export type CompleteHandler = (
  request: CompletionRequest,
  context: CompletionContext,
) => void | Promise<void> | AsyncIterable<CompletionEvent> | Promise<AsyncIterable<CompletionEvent>>;

export interface LLMProviderOptions {
  /** Answers `LLMProvider/Complete`. */
  complete: CompleteHandler;
  /**
   * Secrets to remove from every error message the provider sends or logs, asked for when an error
   * happens, e.g. `() => [currentApiKey()]`. Anything shaped like a well-known API key is removed whether
   * listed or not. Default: none.
   */
  redact?: () => Iterable<string | undefined>;
}

/**
 * The reason the author's signal fires with once the call has ended. One shared error, made once:
 * building an error (with its stack) at the end of every call was a measurable part of a short stream.
 */
const callOver = new AgentwireError("canceled", "the Complete call is over");

function isAsyncIterable(value: unknown): value is AsyncIterable<CompletionEvent> {
  return typeof value === "object" && value !== null && typeof (value as Record<symbol, unknown>)[Symbol.asyncIterator] === "function";
}

/**
 * An `LLMProvider` for a plugin: `plugin.addProvider(createLLMProvider({ complete }))` makes `Register`
 * report LLM_PROVIDER and serves `agentplatform.v1.LLMProvider/Complete`. `complete` gets the request as
 * plain data and streams through `context.emit`, which keeps the stream's invariants (see
 * `CompletionEmitter`); cancellation reaches it as `context.signal`.
 *
 * ```ts
 * plugin.addProvider(
 *   createLLMProvider({
 *     async complete(request, { emit, signal }) {
 *       const res = await fetch(`${baseUrl}/chat/completions`, { method: "POST", headers, body: toBody(request), signal });
 *       if (!res.ok) throw await upstreamErrorFromResponse(res, { upstream: "OpenAI", redact: [apiKey] });
 *       for await (const chunk of chunks(res)) emit.text(chunk.text);
 *       emit.usage({ inputTokens: 12, outputTokens: 40 });
 *     },
 *     redact: () => [apiKey],
 *   }),
 * );
 * ```
 */
export function createLLMProvider(options: LLMProviderOptions): PluginProvider {
  if (typeof options !== "object" || options === null || typeof options.complete !== "function") {
    throw new AgentwireError("invalid_argument", "createLLMProvider: options.complete must be a function (request, context) => ...");
  }
  if (options.redact !== undefined && typeof options.redact !== "function") {
    throw new AgentwireError("invalid_argument", "createLLMProvider: options.redact must be a function returning the secrets to remove");
  }
  return {
    capability: Capability.LLM_PROVIDER,
    service: LLMProvider,
    registerRoutes(router: ConnectRouter, { logger }) {
      router.service(LLMProvider, { complete: (request, context) => runCompletion(options, request, context, logger) });
    },
  };
}

/** Whatever `complete` threw or the call was cancelled with, as the gRPC error sent: same code, secrets removed. */
function wireError(reason: unknown, secrets: readonly (string | undefined)[]): ConnectError {
  const error = toConnectError(reason);
  const message = redactSecrets(error.rawMessage, secrets);
  // A redacted message loses the error's details too: they could quote the same secret.
  return message === error.rawMessage ? error : new ConnectError(message, error.code, error.metadata, undefined, error.cause);
}

function secretsOf(options: LLMProviderOptions, logger: Logger): (string | undefined)[] {
  try {
    return [...(options.redact?.() ?? [])];
  } catch (err) {
    logger.warn(`LLM provider's redact() threw (${messageOf(err)}); only key-shaped text is removed`);
    return [];
  }
}

/** Starts the author's `complete`; its outcome (return, throw, events) reaches the channel through `settle`. */
function startAuthor(
  complete: CompleteHandler,
  request: CompletionRequest,
  context: CompletionContext,
  emitter: StreamEmitter,
  channel: EventChannel<CompletionWireEvent>,
  settle: (error?: unknown) => void,
): void {
  let result: ReturnType<CompleteHandler>;
  try {
    result = complete(request, context);
  } catch (err) {
    settle(err);
    return;
  }
  if (isAsyncIterable(result)) {
    void pump(result, emitter, channel, context.signal).then(settle, settle);
    return;
  }
  Promise.resolve(result).then(
    (value) => {
      if (isAsyncIterable(value)) void pump(value, emitter, channel, context.signal).then(settle, settle);
      else settle();
    },
    (err: unknown) => settle(err ?? new Error("complete rejected without a reason")),
  );
}

/**
 * Pulls a generator `complete`'s events into the emitter, one at a time: the next is asked for only once
 * the platform has taken the previous ones, so a slow reader slows the generator down rather than
 * queueing without bound. Stops (and returns the generator, running its `finally`) once the stream is over.
 */
async function pump(events: AsyncIterable<CompletionEvent>, emitter: StreamEmitter, channel: EventChannel<CompletionWireEvent>, signal: AbortSignal): Promise<void> {
  const iterator = events[Symbol.asyncIterator]();
  let exhausted = false;
  try {
    for (;;) {
      await channel.drained();
      if (channel.closed || signal.aborted || emitter.finished) return;
      const step = await iterator.next();
      if (step.done === true) {
        exhausted = true;
        return;
      }
      emitter.apply(step.value);
    }
  } finally {
    if (!exhausted && typeof iterator.return === "function") {
      Promise.resolve(iterator.return()).catch(() => undefined);
    }
  }
}

const reasonName = (reason: FinishReason | undefined): string => (reason === undefined ? "none" : FinishReason[reason]);

/** One `Complete` call: runs the author's `complete` and streams what it emits until the finish, a failure or a cancellation. */
async function* runCompletion(
  options: LLMProviderOptions,
  wire: CompleteRequest,
  ctx: HandlerContext,
  baseLogger: Logger,
): AsyncGenerator<CompletionWireEvent> {
  const started = Date.now();
  const logger = baseLogger.child({ rpc: "LLMProvider/Complete" });
  let request: CompletionRequest;
  try {
    request = toCompletionRequest(wire);
  } catch (err) {
    logger.warn(`Complete refused: ${messageOf(err)}`);
    throw wireError(err, []);
  }

  // The author's signal: the call's, plus "the call is over" once the stream ends for any reason.
  const controller = new AbortController();
  const onCallAbort = () => controller.abort(ctx.signal.reason);
  if (ctx.signal.aborted) onCallAbort();
  else ctx.signal.addEventListener("abort", onCallAbort, { once: true });

  const channel = new EventChannel<CompletionWireEvent>();
  const emitter = new StreamEmitter(channel, controller.signal);
  const context: CompletionContext = { signal: controller.signal, logger, emit: emitter };
  let events = 0;

  startAuthor(options.complete, request, context, emitter, channel, (error?: unknown) => {
    if (error === undefined) {
      // Returned without finishing: finish for the author (TOOL_USE iff there were tool calls).
      if (!emitter.finished && !channel.closed && !controller.signal.aborted) emitter.finish();
      return;
    }
    const message = () => redactSecrets(messageOf(error), secretsOf(options, logger));
    // After the finish the platform has its answer, but a throw then is still a bug worth hearing about.
    if (emitter.finished) logger.warn(`complete threw after its finish was sent: ${message()}`);
    // After a cancellation a throw is the expected way out (an aborted fetch rejects).
    else if (controller.signal.aborted) logger.debug(`complete ended after the call was cancelled: ${message()}`);
    else channel.fail(error);
  });

  let outcome: "finished" | "cancelled" | "failed" = "finished";
  let why = "";
  try {
    for (;;) {
      const step = await channel.next(ctx.signal);
      if (step.done) {
        if (step.failed) throw step.error;
        // Closed without a finish: only the call ending does that, and it is handled by the signal above.
        return;
      }
      events += 1;
      yield step.value;
      if (step.value.event?.case === "finish") return;
    }
  } catch (err) {
    const cancelled = ctx.signal.aborted;
    const error = wireError(cancelled ? ctx.signal.reason : err, secretsOf(options, logger));
    outcome = cancelled ? "cancelled" : "failed";
    why = error.rawMessage;
    throw error;
  } finally {
    ctx.signal.removeEventListener("abort", onCallAbort);
    channel.close();
    if (!controller.signal.aborted) controller.abort(callOver);
    // Connect returning the generator mid-stream (the client went away while an event was being written).
    if (outcome === "finished" && !emitter.finished) {
      outcome = "cancelled";
      why = messageOf(ctx.signal.reason ?? "the response stream was closed");
    }
    const fields = { model: request.model, events, toolCalls: emitter.toolCallIds.length, finish: reasonName(emitter.reason), ms: Date.now() - started };
    // A cancellation is routine (the platform gave up, or shut the stream); a failure is worth a look.
    if (outcome === "finished") logger.debug(fields, "Complete finished");
    else if (outcome === "cancelled") logger.info(fields, `Complete cancelled: ${why}`);
    else logger.warn(fields, `Complete failed: ${why}`);
  }
}
