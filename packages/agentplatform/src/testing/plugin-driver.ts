// The one way to test a plugin: a driver that calls it as an AgentPlatform workspace does, in-process
// (`{ plugin }`), over the network (`{ url }`, `{ address }`) or through any `{ transport }`, with a typed
// helper for every service and the raw typed clients for tests that speak the protocol itself.
import type { MessageInitShape } from "@bufbuild/protobuf";
import { createClient, type CallOptions, type Client, type Transport } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { AgentwireError, parseJson, stringifyJson, type JsonValue } from "@agentwire/core";
import { Health } from "@agentwire/core/grpc";
import { LifecycleHook, type EventType } from "../gen/agentplatform/v1/lifecycle_pb.js";
import { LLMProvider, type CompleteRequestSchema, type CompleteResponse } from "../gen/agentplatform/v1/llm_pb.js";
import { Plugin as PluginService, type RegisterResponse, type Status } from "../gen/agentplatform/v1/plugin_pb.js";
import { ToolProvider } from "../gen/agentplatform/v1/tool_pb.js";
import { ViewProvider, type ViewDefinition } from "../gen/agentplatform/v1/view_pb.js";
import type { LifecycleEventName, LifecyclePayloads } from "../lifecycle/payloads.js";
import type { AnyPlugin } from "../plugin.js";
import { assembleCompletion, type AssembledCompletion, type CompletionAssemblerOptions } from "./completion-assembler.js";
import { createInProcessTransport, type InProcessTransportOptions } from "./in-process.js";
import { sendEvent, type LifecyclePayloadInit, type SendEventOptions, type SentEvent } from "./lifecycle-events.js";
import { callTool, listTools, type ListedTool, type ToolCallOutcome } from "./tool-calls.js";
import { openViewStream, type OpenStreamOptions, type TestViewStream } from "./view-stream-client.js";

/** The generated clients of every service a plugin may answer, for tests of the raw protocol. */
export interface PluginClients {
  /** `agentplatform.v1.Plugin`: register, health, getManifest. */
  readonly plugin: Client<typeof PluginService>;
  /** `grpc.health.v1.Health`: check, watch, list. */
  readonly health: Client<typeof Health>;
  readonly tools: Client<typeof ToolProvider>;
  readonly llm: Client<typeof LLMProvider>;
  readonly views: Client<typeof ViewProvider>;
  readonly hooks: Client<typeof LifecycleHook>;
}

/** A `CompleteRequest` as plain data: `{ model, messages: [{ role, content }], availableTools, temperature, maxTokens }`. */
export type CompleteRequestInit = MessageInitShape<typeof CompleteRequestSchema>;

/** A `HandleRoute` request: what the platform forwards from the browser. */
export interface RouteInit {
  /** `GET`, `POST`, ... */
  readonly method: string;
  /** The path, plugin-relative (`/api/tasks`) or with the platform's prefix. */
  readonly path: string;
  /** Sent as it is (a string as UTF-8). Default: empty. */
  readonly body?: string | Uint8Array;
  /** A body to send as JSON (losslessly), with `content-type: application/json`. */
  readonly json?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string>>;
}

/** A `RouteResponse`, decoded. */
export interface RouteResult {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
  /** The body as UTF-8 text. */
  text(): string;
  /** The body parsed as JSON, losslessly (throws when it is not JSON). */
  json<T = JsonValue>(): T;
}

/** `RenderView`'s request fields. */
export interface RenderInit {
  readonly viewName: string;
  /** Default: `"test-workspace"`. */
  readonly workspaceId?: string;
  readonly params?: Readonly<Record<string, string>>;
}

/**
 * A plugin as an AgentPlatform workspace calls it. Every helper is one RPC; a protocol error rejects with
 * the `ConnectError` (e.g. NOT_FOUND for an unknown tool), while a tool's own failure is a result
 * (`isError`), as the platform sees them.
 */
export interface PluginDriver {
  /** The generated clients, for tests of the raw protocol. */
  readonly clients: PluginClients;
  /** The transport the clients use (in-process or gRPC over HTTP/2). */
  readonly transport: Transport;
  /** `Plugin/Register` with `config` and `envVars` (both `map<string, string>` on the wire). */
  register(request?: { config?: Readonly<Record<string, string>>; envVars?: Readonly<Record<string, string>> }, options?: CallOptions): Promise<RegisterResponse>;
  /** `Plugin/Health`: SERVING or NOT_SERVING. */
  health(options?: CallOptions): Promise<Status>;
  /** `Plugin/GetManifest`: the manifest HCL. */
  manifest(options?: CallOptions): Promise<string>;
  /** `ToolProvider/ListTools`, each schema parsed. */
  listTools(options?: CallOptions): Promise<ListedTool[]>;
  /** `ToolProvider/ExecuteTool` with `args` written as JSON, the result parsed. */
  callTool<T = JsonValue>(name: string, args?: unknown, options?: CallOptions): Promise<ToolCallOutcome<T>>;
  /** `LLMProvider/Complete`, the stream assembled and checked (see `CompletionAssembler`). */
  complete(request: CompleteRequestInit, options?: CallOptions & CompletionAssemblerOptions): Promise<AssembledCompletion>;
  /** `LLMProvider/Complete`, the raw stream. */
  streamCompletion(request: CompleteRequestInit, options?: CallOptions): AsyncIterable<CompleteResponse>;
  /** `ViewProvider/ListViews`. */
  listViews(options?: CallOptions): Promise<ViewDefinition[]>;
  /** `ViewProvider/RenderView`: the component HCL. */
  renderView(request: RenderInit, options?: CallOptions): Promise<string>;
  /** `ViewProvider/HandleRoute`. */
  route(request: RouteInit, options?: CallOptions): Promise<RouteResult>;
  /** `ViewProvider/HandleStream`, opened with `metadata` (`workspace_id`, `user_id`, `user_email`) as the platform does. */
  openStream(metadata: Record<string, string>, options?: OpenStreamOptions): TestViewStream;
  /** `LifecycleHook/OnEvent` for one event, the answer decoded. */
  sendEvent<K extends LifecycleEventName>(type: K, payload: LifecyclePayloadInit<K>, options?: SendEventOptions): Promise<SentEvent<LifecyclePayloads[K]>>;
  /** `LifecycleHook/OnEvent` with raw bytes (not JSON) or an event type by number. */
  sendEvent(type: LifecycleEventName | EventType, payload: unknown, options?: SendEventOptions): Promise<SentEvent<unknown>>;
}

/** What every driver takes, wherever the plugin is. */
export interface PluginDriverSettings {
  /**
   * The deadline of every call that does not set its own `timeoutMs`, as a platform sets one on each call
   * (a handler's `timeoutMs()` then answers the time left). Not applied to `openStream`, which stays open
   * as long as the browser does. Default: none.
   */
  callTimeoutMs?: number;
}

/** A plugin in this process, called without a port through the same service tables as `serve`: the way to unit-test a plugin. */
export interface InProcessDriverOptions extends PluginDriverSettings, InProcessTransportOptions {
  plugin: AnyPlugin;
}

/** A served plugin, over gRPC (HTTP/2 without TLS, as the platform dials plugins). */
export interface NetworkDriverOptions extends PluginDriverSettings {
  /** The server's address, e.g. `http://127.0.0.1:9010` (`server.url`). */
  url: string;
}

/** A served plugin at `host:port`, what a local plugin's handshake line names (`parseHandshake(line).address`). */
export interface AddressDriverOptions extends PluginDriverSettings {
  /** e.g. `127.0.0.1:9010`. */
  address: string;
}

/** Any Connect transport: a hand-written fake plugin (`createRouterTransport`), or a transport with TLS options. */
export interface TransportDriverOptions extends PluginDriverSettings {
  transport: Transport;
}

/** What `createPluginDriver` takes: where the plugin is (`plugin`, `url`, `address` or `transport`), plus the driver's settings. */
export type PluginDriverOptions = InProcessDriverOptions | NetworkDriverOptions | AddressDriverOptions | TransportDriverOptions;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const targets = 'createPluginDriver takes one of { plugin }, { url: "http://127.0.0.1:9010" }, { address: "127.0.0.1:9010" } or { transport }';

function nonEmptyString(value: unknown, name: string): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new AgentwireError("invalid_argument", `createPluginDriver: ${name} must be a non-empty string, got ${typeof value === "string" ? JSON.stringify(value) : typeof value}`);
  }
  return value;
}

function transportFor(options: PluginDriverOptions): Transport {
  if (typeof options !== "object" || options === null) throw new AgentwireError("invalid_argument", targets);
  const given = (["plugin", "url", "address", "transport"] as const).filter((key) => key in options && (options as unknown as Record<string, unknown>)[key] !== undefined);
  if (given.length !== 1) {
    throw new AgentwireError("invalid_argument", `${targets}${given.length === 0 ? "" : `, got ${given.join(" and ")}`}`);
  }
  if ("plugin" in options && options.plugin !== undefined) {
    return createInProcessTransport({ plugin: options.plugin }, options.logger === undefined ? {} : { logger: options.logger });
  }
  if ("url" in options && options.url !== undefined) return createGrpcTransport({ baseUrl: nonEmptyString(options.url, "url") });
  if ("address" in options && options.address !== undefined) return createGrpcTransport({ baseUrl: `http://${nonEmptyString(options.address, "address")}` });
  const { transport } = options as TransportDriverOptions;
  if (typeof transport !== "object" || transport === null || typeof transport.unary !== "function" || typeof transport.stream !== "function") {
    throw new AgentwireError("invalid_argument", "createPluginDriver: transport must be a Connect Transport (with unary and stream), e.g. createGrpcTransport({ baseUrl })");
  }
  return transport;
}

/** `transport` with `callTimeoutMs` as the deadline of every call that sets none (a bidirectional stream excepted). */
function withCallTimeout(transport: Transport, callTimeoutMs: number | undefined): Transport {
  if (callTimeoutMs === undefined) return transport;
  if (typeof callTimeoutMs !== "number" || !Number.isFinite(callTimeoutMs) || callTimeoutMs <= 0) {
    throw new AgentwireError("invalid_argument", `createPluginDriver: callTimeoutMs must be a positive number of milliseconds, got ${String(callTimeoutMs)}`);
  }
  return {
    unary: (method, signal, timeoutMs, header, input, contextValues) => transport.unary(method, signal, timeoutMs ?? callTimeoutMs, header, input, contextValues),
    stream: (method, signal, timeoutMs, header, input, contextValues) =>
      transport.stream(method, signal, timeoutMs ?? (method.methodKind === "bidi_streaming" ? undefined : callTimeoutMs), header, input, contextValues),
  };
}

/**
 * A driver for a plugin, as an AgentPlatform workspace calls it: `{ plugin }` in this process (through the
 * same service tables as `serve`, without a port), `{ url }` or `{ address }` over gRPC, or any
 * `{ transport }`; with `callTimeoutMs`, every call gets that deadline unless it sets its own.
 *
 * ```ts
 * import { Plugin } from "@agentwire/agentplatform";
 * import { createPluginDriver } from "@agentwire/agentplatform/testing";
 *
 * declare const plugin: Plugin;
 * const driver = createPluginDriver({ plugin, callTimeoutMs: 5000 });
 * await driver.register({ config: { root: "/srv/docs" } });
 * const { isError, result } = await driver.callTool("read_file", { path: "README.md" });
 * ```
 */
export function createPluginDriver(options: PluginDriverOptions): PluginDriver {
  const transport = withCallTimeout(transportFor(options), options.callTimeoutMs);
  const clients: PluginClients = {
    plugin: createClient(PluginService, transport),
    health: createClient(Health, transport),
    tools: createClient(ToolProvider, transport),
    llm: createClient(LLMProvider, transport),
    views: createClient(ViewProvider, transport),
    hooks: createClient(LifecycleHook, transport),
  };
  return {
    clients,
    transport,
    register: (request = {}, callOptions) => clients.plugin.register({ config: { ...request.config }, envVars: { ...request.envVars } }, callOptions),
    health: async (callOptions) => (await clients.plugin.health({}, callOptions)).status,
    manifest: async (callOptions) => (await clients.plugin.getManifest({}, callOptions)).manifestHcl,
    listTools: (callOptions) => listTools(clients.tools, callOptions),
    callTool: (name, args, callOptions) => callTool(clients.tools, name, args, callOptions),
    complete: (request, callOptions = {}) => {
      const { requireJsonArguments, ...rest } = callOptions;
      return assembleCompletion(clients.llm.complete(request, rest), requireJsonArguments === undefined ? {} : { requireJsonArguments });
    },
    streamCompletion: (request, callOptions) => clients.llm.complete(request, callOptions),
    listViews: async (callOptions) => (await clients.views.listViews({}, callOptions)).views,
    renderView: async (request, callOptions) =>
      (await clients.views.renderView({ viewName: request.viewName, workspaceId: request.workspaceId ?? "test-workspace", params: { ...request.params } }, callOptions))
        .componentHcl,
    route: async (request, callOptions) => {
      const headers: Record<string, string> = { ...request.headers };
      let body: Uint8Array;
      if (request.json !== undefined) {
        body = encoder.encode(stringifyJson(request.json) ?? "null");
        if (!Object.keys(headers).some((name) => name.toLowerCase() === "content-type")) headers["content-type"] = "application/json";
      } else {
        body = typeof request.body === "string" ? encoder.encode(request.body) : (request.body ?? new Uint8Array());
      }
      const res = await clients.views.handleRoute({ method: request.method, path: request.path, body, headers, query: { ...request.query } }, callOptions);
      return {
        status: res.statusCode,
        headers: res.headers,
        body: res.body,
        text: () => decoder.decode(res.body),
        json: <T>() => parseJson(decoder.decode(res.body)) as T,
      };
    },
    openStream: (metadata, streamOptions) => openViewStream(clients.views, metadata, streamOptions),
    sendEvent: (type: LifecycleEventName | EventType, payload: unknown, sendOptions?: SendEventOptions): Promise<SentEvent<unknown>> =>
      sendEvent(clients.hooks, type, payload, sendOptions),
  };
}
