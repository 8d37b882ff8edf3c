import { create, fromBinary, isMessage, toBinary, type DescMessage, type DescMethod, type DescService } from "@bufbuild/protobuf";
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import { Code, ConnectError, createContextValues, type ContextValues, type HandlerContext } from "@connectrpc/connect";
import {
  Metadata,
  Server,
  ServerCredentials,
  type sendUnaryData,
  type ServerDuplexStream,
  type ServerReadableStream,
  type ServerUnaryCall,
  type ServerWritableStream,
  type ServiceDefinition,
  type UntypedHandleCall,
  type UntypedServiceImplementation,
} from "@grpc/grpc-js";
import { messageOf } from "../errors.js";
import type { ServerTransport } from "../server-lifecycle.js";
import { toConnectError } from "./connect-error.js";
import type { AnyServiceTable } from "./service-table.js";

/** How `grpcJsTransport` serves: message size limits, TLS, and the signal that ends handlers at the hard stop. */
export interface GrpcJsTransportOptions {
  maxMessageBytes: number;
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Fires once the shutdown grace period is over: handlers still running see their `signal` abort. */
  shutdownSignal: AbortSignal;
}

/** How early grpc-js's deadline timer may fire against the wall clock. */
const deadlineTimerSlackMs = 5;

type AnyCall = ServerUnaryCall<unknown, unknown> | ServerWritableStream<unknown, unknown> | ServerReadableStream<unknown, unknown> | ServerDuplexStream<unknown, unknown>;

/** A message's bytes as a Buffer, without copying. */
function bufferOf(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The response as a message of `schema`: a handler may return an init shape (a plain object). */
function asMessage(schema: DescMessage, value: unknown): unknown {
  return isMessage(value, schema) ? value : create(schema, value as never);
}

/** grpc-js metadata as Fetch `Headers` (binary values base64, as gRPC carries them in `-bin` keys). */
function headersOf(metadata: Metadata): Headers {
  const headers = new Headers();
  for (const [key, values] of Object.entries(metadata.getMap())) {
    headers.append(key, typeof values === "string" ? values : Buffer.from(values).toString("base64"));
  }
  return headers;
}

/** Headers a handler set, as grpc-js metadata; undefined when it set none (most calls: nothing is made). */
function nonEmpty(headers: Headers | undefined): Metadata | undefined {
  if (headers === undefined) return undefined;
  let any = false;
  headers.forEach(() => (any = true));
  return any ? metadataOf(headers) : undefined;
}

/** Fetch `Headers` as grpc-js metadata (`-bin` keys decoded from base64). */
function metadataOf(headers: Headers): Metadata {
  const md = new Metadata();
  headers.forEach((value, key) => {
    if (key.endsWith("-bin")) md.add(key, Buffer.from(value, "base64"));
    else md.add(key, value);
  });
  return md;
}

/**
 * The handler context of one call, as connect builds it for its handlers, without its per-call costs: the
 * signal, its AbortController and the request headers are made only when the handler reads them. The
 * signal aborts when the client cancels, the deadline passes or the server's hard stop comes; a call that
 * simply ends does not abort it.
 */
class GrpcJsHandlerContext implements HandlerContext {
  readonly protocolName = "grpc";
  readonly requestMethod = "POST";
  private valuesStore: ContextValues | undefined;
  private responseHeaders: Headers | undefined;
  private responseTrailers: Headers | undefined;
  private controller: AbortController | undefined;
  private headers: Headers | undefined;
  private readonly deadline: number;
  /** Set once the answer is sent: a later "cancelled" (grpc-js emits one as every stream closes) is not an abort. */
  private done = false;
  /** The request message's bytes as they came off the wire, for unary and server-streaming calls (see requestBytesOf). */
  requestBytes: Uint8Array | undefined;

  constructor(
    readonly service: DescService,
    readonly method: DescMethod,
    private readonly call: AnyCall,
    private readonly shutdown: ShutdownWatch,
  ) {
    const d = call.getDeadline();
    this.deadline = d instanceof Date ? d.getTime() : d;
  }

  get url(): string {
    return `/${this.service.typeName}/${this.method.name}`;
  }

  get values(): ContextValues {
    return (this.valuesStore ??= createContextValues());
  }

  get responseHeader(): Headers {
    return (this.responseHeaders ??= new Headers());
  }

  get responseTrailer(): Headers {
    return (this.responseTrailers ??= new Headers());
  }

  get requestHeader(): Headers {
    return (this.headers ??= headersOf(this.call.metadata));
  }

  readonly timeoutMs = (): number | undefined => (Number.isFinite(this.deadline) ? this.deadline - Date.now() : undefined);

  get signal(): AbortSignal {
    if (this.controller === undefined) {
      const controller = new AbortController();
      this.controller = controller;
      const abort = (reason: ConnectError) => {
        if (!controller.signal.aborted) controller.abort(reason);
      };
      if (this.done) return controller.signal;
      if (this.call.cancelled) abort(this.cancelReason());
      else {
        const onCancelled = () => {
          if (!this.done) abort(this.cancelReason());
        };
        (this.call as unknown as NodeJS.EventEmitter).once("cancelled", onCancelled);
      }
      // The lifecycle's hard stop says why (its shutdownReason); the caller hears that, as with connect.
      if (this.shutdown.signal.aborted) abort(toConnectError(this.shutdown.signal.reason));
      else this.shutdown.watching.add(controller);
    }
    return this.controller.signal;
  }

  /** The answer is sent: nothing aborts the signal any more, and the hard stop no longer watches it. */
  finish(): void {
    this.done = true;
    if (this.controller !== undefined) this.shutdown.watching.delete(this.controller);
  }

  /** Why a cancelled call ended: its deadline, or the client. */
  private cancelReason(): ConnectError {
    // grpc-js ends a call at its deadline with a timer, which can fire a few ms before the wall clock
    // (Date.now) reaches the deadline it reports: within that slack it is the deadline, not the client.
    return Number.isFinite(this.deadline) && Date.now() >= this.deadline - deadlineTimerSlackMs
      ? new ConnectError("the operation timed out", Code.DeadlineExceeded)
      : new ConnectError("the client cancelled the call", Code.Canceled);
  }

  /** Headers set by the handler, as grpc-js metadata (undefined when there are none). */
  responseMetadata(): Metadata | undefined {
    return nonEmpty(this.responseHeaders);
  }

  trailerMetadata(): Metadata | undefined {
    return nonEmpty(this.responseTrailers);
  }
}

/** A thrown value as the gRPC status grpc-js sends (`toConnectError`'s code and raw message), its metadata and the context's trailers. */
function statusOf(reason: unknown, ctx: GrpcJsHandlerContext): { code: number; details: string; metadata: Metadata } {
  const err = toConnectError(reason);
  const metadata = ctx.trailerMetadata() ?? new Metadata();
  err.metadata.forEach((value, key) => metadata.add(key, key.endsWith("-bin") ? Buffer.from(value, "base64") : value));
  return { code: err.code, details: err.rawMessage, metadata };
}

/** Writes `message` to a server stream, waiting for the stream to drain when grpc-js asks. */
function write(call: ServerWritableStream<unknown, unknown> | ServerDuplexStream<unknown, unknown>, message: unknown): Promise<void> | undefined {
  if (call.write(message)) return undefined;
  return new Promise((resolve) => call.once("drain", resolve));
}

/** A client stream as an async iterable of messages (grpc-js streams are object-mode Readables). */
function requestsOf(call: ServerReadableStream<unknown, unknown> | ServerDuplexStream<unknown, unknown>): AsyncIterable<unknown> {
  // Not `for await (… of call)`: a Readable's iterator destroys the stream when the client's side ends,
  // which for a duplex call also kills the side the answer and the status still go out on.
  return { [Symbol.asyncIterator]: () => (call as unknown as import("node:stream").Readable).iterator({ destroyOnReturn: false }) };
}

/**
 * Sends what a streaming handler yields: its response headers before the first message, each message as
 * the method's output (waiting for the stream to drain), then the status: OK with its trailers, or the error
 * it threw.
 */
async function streamOut(
  call: ServerWritableStream<unknown, unknown> | ServerDuplexStream<unknown, unknown>,
  ctx: GrpcJsHandlerContext,
  answers: (ctx: GrpcJsHandlerContext) => AsyncIterable<unknown>,
): Promise<void> {
  let headersSent = false;
  const sendHeaders = () => {
    if (headersSent) return;
    headersSent = true;
    const md = ctx.responseMetadata();
    if (md) call.sendMetadata(md);
  };
  try {
    for await (const value of answers(ctx)) {
      sendHeaders();
      await write(call, asMessage(ctx.method.output, value));
    }
    ctx.finish();
    sendHeaders();
    call.end(ctx.trailerMetadata());
  } catch (err) {
    ctx.finish();
    call.emit("error", statusOf(err, ctx));
  }
}

/**
 * The bytes of the request message of the call `ctx` belongs to, exactly as the client sent them (after
 * decompression), when the transport kept them: on grpc-js, for unary and server-streaming calls; otherwise
 * undefined. What it is for: measuring a request's parts without serialising the message again.
 *
 * ```ts
 * const wire = requestBytesOf(ctx);
 * const inputBytes = wire ? fieldBytesLength(wire, 1) : toBinary(LiteralMapSchema, req.inputs).byteLength;
 * ```
 */
export function requestBytesOf(ctx: HandlerContext): Uint8Array | undefined {
  return ctx instanceof GrpcJsHandlerContext ? ctx.requestBytes : undefined;
}

/**
 * How many bytes the values of top-level field `field` take in the protobuf `message` (the payloads of its
 * length-delimited occurrences, summed): a submessage field's serialised size, read off the wire without
 * decoding. 0 when the field is absent; throws on bytes that are not a protobuf message.
 */
export function fieldBytesLength(message: Uint8Array, field: number): number {
  const reader = new BinaryReader(message);
  let total = 0;
  while (reader.pos < reader.len) {
    const [no, wireType] = reader.tag();
    if (no === field && wireType === WireType.LengthDelimited) total += reader.bytes().byteLength;
    else reader.skip(wireType, no);
  }
  return total;
}

/** `bytes` decoded as `method`'s input; a refusal grpc-js would send for bytes that do not decode (INTERNAL). */
function decodeRequest(method: DescMethod, bytes: Uint8Array): unknown {
  try {
    return fromBinary(method.input, bytes);
  } catch (err) {
    throw new ConnectError(`Error deserializing request: ${method.input.typeName}: ${messageOf(err)}`, Code.Internal);
  }
}

/**
 * The lifecycle's hard stop and the signals of the calls still running that it must abort: one listener on
 * the server's shutdown signal, not one per call (adding and removing an EventTarget listener on every
 * call was a measurable part of its cost).
 */
interface ShutdownWatch {
  readonly signal: AbortSignal;
  readonly watching: Set<AbortController>;
}

function watchShutdown(signal: AbortSignal): ShutdownWatch {
  const watch: ShutdownWatch = { signal, watching: new Set() };
  signal.addEventListener(
    "abort",
    () => {
      const reason = toConnectError(signal.reason);
      for (const controller of watch.watching) if (!controller.signal.aborted) controller.abort(reason);
      watch.watching.clear();
    },
    { once: true },
  );
  return watch;
}

/** The grpc-js handler of one method, calling connect-style `impl` with a handler context. */
function handlerOf(service: DescService, method: DescMethod, impl: (...args: never[]) => unknown, shutdown: ShutdownWatch): UntypedHandleCall {
  const run = impl as (input: unknown, ctx: HandlerContext) => unknown;
  const context = (call: AnyCall) => new GrpcJsHandlerContext(service, method, call, shutdown);
  // Single-request methods get the request's bytes (requestDeserialize passes them through, see
  // definitionOf) and decode them here, keeping them on the context for requestBytesOf.
  const received = (call: ServerUnaryCall<unknown, unknown> | ServerWritableStream<unknown, unknown>, ctx: GrpcJsHandlerContext) => {
    const bytes = call.request as Buffer;
    ctx.requestBytes = bytes;
    return decodeRequest(method, bytes);
  };
  switch (method.methodKind) {
    case "unary":
      return (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
        const ctx = context(call);
        answerOnce(call, ctx, callback, () => run(received(call, ctx), ctx));
      };
    case "client_streaming":
      return (call: ServerReadableStream<unknown, unknown>, callback: sendUnaryData<unknown>) => {
        const ctx = context(call);
        answerOnce(call, ctx, callback, () => run(requestsOf(call), ctx));
      };
    case "server_streaming":
      return (call: ServerWritableStream<unknown, unknown>) => {
        void streamOut(call, context(call), (ctx) => run(received(call, ctx), ctx) as AsyncIterable<unknown>);
      };
    case "bidi_streaming":
      return (call: ServerDuplexStream<unknown, unknown>) => {
        void streamOut(call, context(call), (ctx) => run(requestsOf(call), ctx) as AsyncIterable<unknown>);
      };
  }
}

/**
 * Answers a unary or client-streaming call once, with what `handle` returns or resolves to (the response
 * headers first, the trailers with it), or with the status of what it threw or rejected with.
 */
function answerOnce(call: AnyCall, ctx: GrpcJsHandlerContext, callback: sendUnaryData<unknown>, handle: () => unknown): void {
  const succeed = (value: unknown) => {
    ctx.finish();
    const md = ctx.responseMetadata();
    if (md) call.sendMetadata(md);
    callback(null, asMessage(ctx.method.output, value), ctx.trailerMetadata());
  };
  const fail = (err: unknown) => {
    ctx.finish();
    callback(statusOf(err, ctx));
  };
  let answer: unknown;
  try {
    answer = handle();
  } catch (err) {
    fail(err);
    return;
  }
  if (answer instanceof Promise) answer.then(succeed, fail);
  else succeed(answer);
}

/**
 * grpc-js's definition of `service`: its paths, streaming shapes and protobuf-es (de)serialisers. A
 * single-request method's request is passed through as bytes: its handler decodes it (handlerOf).
 */
function definitionOf(service: DescService): ServiceDefinition {
  const definition: Record<string, ServiceDefinition[string]> = {};
  for (const method of service.methods) {
    const requestStream = method.methodKind === "client_streaming" || method.methodKind === "bidi_streaming";
    definition[method.localName] = {
      path: `/${service.typeName}/${method.name}`,
      requestStream,
      responseStream: method.methodKind === "server_streaming" || method.methodKind === "bidi_streaming",
      requestSerialize: (message: unknown) => bufferOf(toBinary(method.input, message as never)),
      requestDeserialize: requestStream ? (bytes: Buffer) => fromBinary(method.input, bytes) : (bytes: Buffer) => bytes,
      responseSerialize: (message: unknown) => bufferOf(toBinary(method.output, message as never)),
      responseDeserialize: (bytes: Buffer) => fromBinary(method.output, bytes),
      originalName: method.localName,
    };
  }
  return definition;
}

/**
 * Service tables served by `@grpc/grpc-js`, the official gRPC server for Node, as a `ServerTransport` of the
 * one lifecycle: grpc-js does the wire (HTTP/2 framing, deadlines, cancellation, compression, message size
 * limits, trailers-only errors, keepalive), protobuf-es the messages, and each table's connect-style
 * handlers run unchanged with a `HandlerContext`. A method a table leaves out answers UNIMPLEMENTED.
 */
export function grpcJsTransport(tables: readonly AnyServiceTable[], options: GrpcJsTransportOptions): ServerTransport {
  const server = new Server({
    "grpc.max_receive_message_length": options.maxMessageBytes,
    "grpc.max_send_message_length": options.maxMessageBytes,
  });
  const shutdown = watchShutdown(options.shutdownSignal);
  for (const { service, implementation } of tables) {
    const impl: UntypedServiceImplementation = {};
    const table = implementation as Record<string, unknown>;
    for (const method of service.methods) {
      const fn = table[method.localName];
      if (typeof fn !== "function") continue;
      impl[method.localName] = handlerOf(service, method, (fn as (...args: never[]) => unknown).bind(implementation), shutdown);
    }
    server.addService(definitionOf(service), impl);
  }
  const credentials = options.tls ? ServerCredentials.createSsl(null, [{ private_key: Buffer.from(options.tls.key), cert_chain: Buffer.from(options.tls.cert) }]) : ServerCredentials.createInsecure();
  return {
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        const address = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
        server.bindAsync(address, credentials, (err, bound) => (err ? reject(err) : resolve({ port: bound, host })));
      }),
    close: (timeoutMs) =>
      new Promise((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, timeoutMs);
        timer.unref();
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}
