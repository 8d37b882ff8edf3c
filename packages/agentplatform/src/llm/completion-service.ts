// The LLMProvider service of one provider: each `Complete` runs the author's `complete` and streams what it
// emits (through the emitter that keeps the stream's invariants) until the finish, a failure or a
// cancellation, with secrets removed from every error that leaves.
import type { HandlerContext } from "@connectrpc/connect";
import { ConnectError } from "@connectrpc/connect";
import { AgentwireError, messageOf, type Logger } from "@agentwire/core";
import { serviceTable, toConnectError, type AnyServiceTable } from "@agentwire/core/grpc";
import { FinishReason, LLMProvider as LLMProviderService, type CompleteRequest } from "../gen/agentplatform/v1/llm_pb.js";
import { CallContext, notRegisteredYet, type ContextSource } from "../plugin-context.js";
import type { ProviderRuntime } from "../provider.js";
import { StreamEmitter, type CompletionEmitter, type CompletionEvent, type CompletionWireEvent } from "./completion-emitter.js";
import { toCompletionRequest, type CompletionRequest } from "./completion-request.js";
import { EventChannel } from "./event-channel.js";
import type { CompleteHandler, CompletionContext, LLMProvider } from "./llm-provider.js";
import { redactSecrets } from "./redact.js";

/** The context behind a `complete` call. */
class CompletionCallContext extends CallContext implements CompletionContext {
  constructor(
    source: ContextSource,
    signal: AbortSignal,
    timeoutMs: () => number | undefined,
    logger: Logger,
    readonly emit: CompletionEmitter,
  ) {
    super(source, signal, timeoutMs, logger);
  }
}

/** What the service needs of a provider: its `complete` and its secrets. */
interface CompletionSource {
  readonly complete: CompleteHandler;
  readonly secrets: (context: CompletionContext) => Iterable<string | undefined>;
}

function sourceOf(provider: LLMProvider<never>): CompletionSource {
  const author = provider as unknown as { complete: CompleteHandler; secrets?: (context: CompletionContext) => Iterable<string | undefined> };
  return {
    complete: (request, context) => author.complete(request, context),
    secrets: (context) => author.secrets?.(context) ?? [],
  };
}

/**
 * The reason the author's signal fires with once the call has ended. One shared error, made once:
 * building an error (with its stack) at the end of every call was a measurable part of a short stream.
 */
const callOver = new AgentwireError("canceled", "the Complete call is over");

function isAsyncIterable(value: unknown): value is AsyncIterable<CompletionEvent> {
  return typeof value === "object" && value !== null && typeof (value as Record<symbol, unknown>)[Symbol.asyncIterator] === "function";
}

/** Whatever `complete` threw or the call was cancelled with, as the gRPC error sent: same code, secrets removed. */
function wireError(reason: unknown, secrets: readonly (string | undefined)[]): ConnectError {
  const error = toConnectError(reason);
  const message = redactSecrets(error.rawMessage, secrets);
  // A redacted message loses the error's details too: they could quote the same secret.
  return message === error.rawMessage ? error : new ConnectError(message, error.code, error.metadata, undefined, error.cause);
}

function secretsOf(source: CompletionSource, context: CompletionCallContext, logger: Logger): (string | undefined)[] {
  try {
    return [...source.secrets(context)];
  } catch (err) {
    // Before the first Register there is no config to find a key with, and so no key to leak: not worth a warning.
    if (!context.readConfigTooEarly) logger.warn(`LLM provider's secrets() threw (${messageOf(err)}); only key-shaped text is removed`);
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
  source: CompletionSource,
  plugin: ContextSource,
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
  const context = new CompletionCallContext(plugin, controller.signal, ctx.timeoutMs, logger, emitter);
  let events = 0;

  startAuthor(source.complete, request, context, emitter, channel, (error?: unknown) => {
    if (error === undefined) {
      // Returned without finishing: finish for the author (TOOL_USE iff there were tool calls).
      if (!emitter.finished && !channel.closed && !controller.signal.aborted) emitter.finish();
      return;
    }
    const message = () => redactSecrets(messageOf(error), secretsOf(source, context, logger));
    // After the finish the platform has its answer, but a throw then is still a bug worth hearing about.
    if (emitter.finished) logger.warn(`complete threw after its finish was sent: ${message()}`);
    // After a cancellation a throw is the expected way out (an aborted fetch rejects).
    else if (controller.signal.aborted) logger.debug(`complete ended after the call was cancelled: ${message()}`);
    else channel.fail(context.readConfigTooEarly && !plugin.registered ? notRegisteredYet(plugin.name, "Complete", error) : error);
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
    const error = wireError(cancelled ? ctx.signal.reason : err, secretsOf(source, context, logger));
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

/** The `LLMProvider` service table of one provider, for one server or transport. */
export function completionServiceTable(provider: LLMProvider<never>, { plugin, logger }: ProviderRuntime): AnyServiceTable {
  const source = sourceOf(provider);
  return serviceTable(LLMProviderService, { complete: (request, context) => runCompletion(source, plugin, request, context, logger) });
}
